// A fake OpenAI-compatible server: POST /v1/chat/completions (openai SDK) and
// /openai/v1/chat/completions (groq-sdk) answer scripted FakeTurns as plain JSON or as SSE chunks
// shaped the way OpenAI streams them, or replies the protocol does not allow (misreply);
// POST /v1/embeddings answers fakeEmbedding vectors. The
// scenarios both chat-completions providers run are in chat-completions-contract.ts and
// openai-misbehaving.ts.

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { ProviderError } from '../../agent/providers/errors.ts';
import type { StreamEvent } from '../../agent/providers/types.ts';
import { HttpFake, fakeEmbedding, fakeTokens, sendJson, sendSse, type FakeTurn, type RecordedRequest } from './http-fake.ts';

type ToolCallTurn = NonNullable<FakeTurn['toolCalls']>[number];

export class OpenAiFake extends HttpFake {
  /** Stream usage as Groq does (x_groq.usage on the finish chunk) instead of a usage-only chunk. */
  groqUsage = false;
  /** Report no usage at all, as compatible servers that ignore stream_options.include_usage do. */
  omitUsage = false;
  /** Send tool calls without ids, as some compatible servers do. */
  omitCallIds = false;
  private readonly turns: FakeTurn[] = [];
  private readonly misreplies: Misreply[] = [];
  private answered = 0;
  private script?: (body: any) => FakeTurn;

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

  /**
   * The next `times` requests that reach the route get a reply the protocol does not allow:
   * 'no_choices' is `choices: []` in the form asked for (a completion, or chunks then [DONE]);
   * 'json_body' is a plain JSON completion whether or not a stream was asked for.
   */
  misreply(kind: Misreply, times = 1): this {
    for (let i = 0; i < times; i++) this.misreplies.push(kind);
    return this;
  }

  /**
   * Answers every chat request from its body instead of the queue: one fake can then play several
   * parts at once (an episode's agent and its simulated user, told apart by their system prompts).
   */
  answerWith(script: (body: any) => FakeTurn): this {
    this.script = script;
    return this;
  }

  get lastBody(): any {
    return this.requests.at(-1)?.body;
  }

  private answer(req: RecordedRequest, res: ServerResponse): void {
    const misreply = this.misreplies.shift();
    if (misreply) return sendMisreply(misreply, req, res);
    const turn = this.script ? this.script(req.body) : (this.turns.shift() ?? {});
    const n = ++this.answered;
    const model = String(req.body?.model ?? 'fake');
    const includeUsage = !!req.body?.stream_options?.include_usage && !this.omitUsage;
    const body = req.body?.stream ? streamChunks(turn, n, model, includeUsage, this.groqUsage && !this.omitUsage) : [completion(turn, n, model)];
    if (this.omitUsage) for (const item of body) delete (item as { usage?: unknown }).usage;
    if (this.omitCallIds) for (const item of body) forgetCallIds(item);
    if (req.body?.stream) sendSse(res, body);
    else sendJson(res, body[0]);
  }
}

export type Misreply = 'no_choices' | 'json_body';

function sendMisreply(kind: Misreply, req: RecordedRequest, res: ServerResponse): void {
  const model = String(req.body?.model ?? 'fake');
  const head = { id: 'chatcmpl-odd', created: 1_700_000_000, model };
  if (kind === 'json_body' || !req.body?.stream) {
    const choices = kind === 'json_body' ? completion({ text: 'a whole answer' }, 0, model).choices : [];
    return sendJson(res, { ...head, object: 'chat.completion', choices, usage: wireUsage({}) });
  }
  sendSse(res, [{ ...head, object: 'chat.completion.chunk', choices: [] }, { ...head, object: 'chat.completion.chunk', choices: [], usage: wireUsage({}) }]);
}

/** Removes the ids from a completion's or a chunk's tool calls. */
function forgetCallIds(item: unknown): void {
  for (const choice of (item as { choices?: { message?: { tool_calls?: object[] }; delta?: { tool_calls?: object[] } }[] }).choices ?? []) {
    for (const call of choice.message?.tool_calls ?? choice.delta?.tool_calls ?? []) delete (call as { id?: string }).id;
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

export const TEST_KEY = 'sk-test-secret-0123456789';
