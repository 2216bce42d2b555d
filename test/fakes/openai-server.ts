// A fake OpenAI-compatible server: POST /v1/chat/completions (openai SDK) and
// /openai/v1/chat/completions (groq-sdk) answer scripted FakeTurns as plain JSON or as SSE chunks
// shaped the way OpenAI streams them; POST /v1/embeddings answers fakeEmbedding vectors. Also the
// contract suite both chat-completions providers run, so openai.test.ts and groq.test.ts share
// every scenario instead of copying it.

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ProviderError } from '../../agent/providers/errors.ts';
import type { ChatModel, ProviderDefinition, ProviderOptions, StreamEvent } from '../../agent/providers/types.ts';
import { HttpFake, fakeEmbedding, fakeTokens, sendJson, sendSse, type FakeTurn, type RecordedRequest } from './http-fake.ts';

type ToolCallTurn = NonNullable<FakeTurn['toolCalls']>[number];

export class OpenAiFake extends HttpFake {
  /** Stream usage as Groq does (x_groq.usage on the finish chunk) instead of a usage-only chunk. */
  groqUsage = false;
  private readonly turns: FakeTurn[] = [];
  private answered = 0;

  constructor() {
    super();
    this.route('POST', /^\/(openai\/)?v1\/chat\/completions$/, (req, res) => this.answer(req, res));
    this.route('POST', /^\/(openai\/)?v1\/embeddings$/, (req, res) => this.embed(req, res));
  }

  /** Vector length for embeddings when the request names no `dimensions`. */
  embeddingDimensions = 8;
  /** Send the embeddings list reversed (each item keeps its `index`), as a client must not rely on list order. */
  reverseEmbeddings = false;

  /** The bodies of the embeddings requests received, in order. */
  get embeddingBodies(): any[] {
    return this.requests.filter((r) => /\/embeddings$/.test(r.path)).map((r) => r.body);
  }

  /** POST /v1/embeddings: fakeEmbedding of each input, base64 (float32, little-endian) when asked for. */
  private embed(req: RecordedRequest, res: ServerResponse): void {
    const input: unknown = req.body?.input;
    const texts = (Array.isArray(input) ? input : [input]).map(String);
    const dimensions = Number(req.body?.dimensions ?? this.embeddingDimensions);
    const base64 = req.body?.encoding_format === 'base64';
    const data = texts.map((text, index) => {
      const vector = fakeEmbedding(text, dimensions);
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    if (this.reverseEmbeddings) data.reverse();
    const tokens = texts.reduce((sum, text) => sum + fakeTokens(text), 0);
    sendJson(res, { object: 'list', data, model: String(req.body?.model ?? 'fake'), usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  /** Queues what the model says next; an empty queue answers an empty 'stop' turn. */
  say(...turns: FakeTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  get lastBody(): any {
    return this.requests.at(-1)?.body;
  }

  private answer(req: RecordedRequest, res: ServerResponse): void {
    const turn = this.turns.shift() ?? {};
    const n = ++this.answered;
    const model = String(req.body?.model ?? 'fake');
    if (req.body?.stream) sendSse(res, streamChunks(turn, n, model, !!req.body.stream_options?.include_usage, this.groqUsage));
    else sendJson(res, completion(turn, n, model));
  }
}

/** The id the fake gives tool call `i` of its `turn`-th answer (1-based). */
export const fakeCallId = (turn: number, i: number) => `call_fake${turn}x${i}`;

const argumentText = (call: ToolCallTurn) =>
  typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);

const finishOf = (turn: FakeTurn) => turn.finish ?? (turn.toolCalls?.length ? 'tool_calls' : 'stop');

function wireUsage(turn: FakeTurn) {
  const { input, output } = turn.usage ?? { input: 10, output: 5 };
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

function completion(turn: FakeTurn, n: number, model: string) {
  const toolCalls = turn.toolCalls?.map((call, i) => ({
    id: fakeCallId(n, i),
    type: 'function',
    function: { name: call.name, arguments: argumentText(call) },
  }));
  const message = { role: 'assistant', content: turn.text ?? null, refusal: null, ...(toolCalls && { tool_calls: toolCalls }) };
  return {
    id: `chatcmpl-fake${n}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(turn) }],
    usage: wireUsage(turn),
    system_fingerprint: 'fp_fake',
  };
}

/** Splits text into about `parts` pieces, as a model emits tokens. */
function fragments(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function streamChunks(turn: FakeTurn, n: number, model: string, includeUsage: boolean, groqUsage: boolean): unknown[] {
  const usageField = includeUsage && !groqUsage ? { usage: null } : {};
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
    id: `chatcmpl-fake${n}`,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
    ...extra,
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: turn.text ? '' : null, refusal: null })];
  for (const piece of turn.text?.match(/\S+\s*|\s+/g) ?? []) chunks.push(chunk({ content: piece }));
  turn.toolCalls?.forEach((call, index) => {
    const head = { index, id: fakeCallId(n, index), type: 'function', function: { name: call.name, arguments: '' } };
    chunks.push(chunk({ tool_calls: [head] }));
    for (const part of fragments(argumentText(call), 3)) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
  });
  if (groqUsage) {
    chunks.push(chunk({}, finishOf(turn), { x_groq: { id: `req_fake${n}`, usage: wireUsage(turn) } }));
  } else {
    chunks.push(chunk({}, finishOf(turn)));
    if (includeUsage) chunks.push({ ...(chunk({}) as object), choices: [], usage: wireUsage(turn) });
  }
  return chunks;
}

/** An http://127.0.0.1:<port> address where nothing listens (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Runs `promise` and returns what it rejected with (fails the test if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

export interface ContractSpec {
  provider: ProviderDefinition;
  /** A model in the price table, and the cost of 1000 input + 500 output tokens, worked by hand. */
  model: string;
  costOf1000In500Out: number;
  /** The path the SDK posts to, and the base URL that makes it reach `origin`. */
  chatPath: string;
  baseUrlFor(origin: string): string;
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

export const TEST_KEY = 'sk-test-secret-0123456789';

/** Registers the scenarios every chat-completions provider must pass; call inside a describe. */
export function chatCompletionsContract(spec: ContractSpec): void {
  let fake: OpenAiFake;
  const model = (options: ProviderOptions = {}): ChatModel =>
    spec.provider.create(spec.model, {
      baseUrl: spec.baseUrlFor(fake.url),
      apiKey: TEST_KEY,
      backoffBaseMs: 10,
      retries: 2,
      env: {},
      ...options,
    });
  const ask = (m: ChatModel = model()) => m.chat({ messages: [{ role: 'user', content: 'hi' }] });

  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('answers a plain chat, sending the key and the model to the SDK path', async () => {
    fake.say({ text: 'Hello there.' });
    const result = await ask();
    expect(result).toMatchObject({ text: 'Hello there.', toolCalls: [], finishReason: 'stop', attempts: 1 });
    expect(result.latencyMs).toBeGreaterThan(0);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: spec.chatPath, body: { model: spec.model } });
    expect(request!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('returns several tool calls from one step with their ids and parsed arguments', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }, { name: 'time', arguments: { tz: 'UTC' } }] });
    const result = await ask();
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: fakeCallId(1, 0), name: 'weather', arguments: { city: 'Oslo' } },
      { id: fakeCallId(1, 1), name: 'time', arguments: { tz: 'UTC' } },
    ]);
  });

  it('keeps arguments that are not a JSON object as invalidArguments', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: '{"city": "Oslo"' }, { name: 'time', arguments: '[1]' }] });
    const { toolCalls } = await ask();
    expect(toolCalls[0]).toEqual({ id: fakeCallId(1, 0), name: 'weather', arguments: {}, invalidArguments: '{"city": "Oslo"' });
    expect(toolCalls[1]).toMatchObject({ arguments: {}, invalidArguments: '[1]' });
  });

  it('translates messages, tools, tool choice and sampling options into the request', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    await model().chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } }] },
        { role: 'tool', toolCallId: 'call_a', name: 'weather', content: 'sunny' },
      ],
      tools: [{ name: 'weather', description: 'Weather by city', parameters }],
      toolChoice: { name: 'weather' },
      temperature: 0.2,
      maxTokens: 64,
      seed: 7,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
    });
    expect(fake.lastBody).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather by city', parameters } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      temperature: 0.2,
      [spec.maxTokensField]: 64,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    });
    await model().chat({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json' }, tools: [], toolChoice: 'required' });
    expect(fake.lastBody.response_format).toEqual({ type: 'json_object' });
    expect(fake.lastBody).not.toHaveProperty('tool_choice'); // never without tools
    expect(fake.lastBody.stream).toBeFalsy();
  });

  it('reports usage and prices it', async () => {
    fake.say({ text: 'ok', usage: { input: 1000, output: 500 } });
    const result = await ask();
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 500 });
    expect(result.costUsd).toBeCloseTo(spec.costOf1000In500Out, 12);
  });

  it('streams text deltas, then one done with usage from the final chunk', async () => {
    fake.say({ text: 'One two three.', usage: { input: 1000, output: 500 } });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'count' }] }));
    const deltas = events.flatMap((e) => (e.type === 'text' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('One two three.');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    const last = events.at(-1)!;
    expect(last.type === 'done' && last.result).toMatchObject({
      text: 'One two three.',
      finishReason: 'stop',
      usage: { inputTokens: 1000, outputTokens: 500 },
      costUsd: expect.closeTo(spec.costOf1000In500Out, 12),
      attempts: 1,
    });
    expect(fake.lastBody).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('assembles streamed tool calls from fragments and yields each before done', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: { city: 'Oslo', days: 3 } }, { name: 'time', arguments: 'not json' }] });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'go' }] }));
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_call', 'done']);
    const calls = [
      { id: fakeCallId(1, 0), name: 'weather', arguments: { city: 'Oslo', days: 3 } },
      { id: fakeCallId(1, 1), name: 'time', arguments: {}, invalidArguments: 'not json' },
    ];
    expect(events.slice(0, 2)).toEqual(calls.map((call) => ({ type: 'tool_call', call })));
    expect(events[2]).toMatchObject({ result: { toolCalls: calls, finishReason: 'tool_calls' } });
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }).say({ text: 'ok' });
    const started = performance.now();
    const result = await ask();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(result).toMatchObject({ text: 'ok', attempts: 2 });
  });

  it('retries a 500, for chat and for opening a stream', async () => {
    fake.fault({ kind: 'status', status: 500 }).say({ text: 'ok' });
    expect(await ask()).toMatchObject({ text: 'ok', attempts: 2 });
    fake.fault({ kind: 'status', status: 503 }).say({ text: 'streamed' });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(events.at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed', attempts: 2 } });
  });

  it('gives up on a server that keeps failing after retries + 1 requests', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 500 });
    const error = await rejection(ask());
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a slow reply quickly', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const started = performance.now();
    const error = await rejection(ask(model({ timeoutMs: 300, retries: 0 })));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('names the address when nothing listens there', async () => {
    const address = spec.baseUrlFor(await closedPortUrl());
    const m = spec.provider.create(spec.model, { baseUrl: address, apiKey: TEST_KEY, retries: 0, env: {} });
    const error = await rejection(ask(m));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`${spec.provider.name}: cannot reach ${address}. Is the server running?`);
  });

  it('maps 401 to auth and never shows the key', async () => {
    fake.fault({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${TEST_KEY}` } } });
    const error = await rejection(ask());
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain(TEST_KEY);
    expect(error.message).not.toContain('\n');
  });

  it('stops when the caller aborts', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const signal = AbortSignal.timeout(100);
    const error = await rejection(model().chat({ messages: [{ role: 'user', content: 'hi' }], signal }));
    expect(error.kind).toBe('aborted');
  });
}
