// A fake Ollama server speaking the native API that ollama-js calls: POST /api/chat (one JSON
// object, or NDJSON lines when `stream` is true, ending with a `done: true` line that carries
// done_reason and the token counts), POST /api/embed (fakeEmbedding vectors), GET /api/tags and
// GET /api/version.

import type { ServerResponse } from 'node:http';
import { HttpFake, fakeEmbedding, fakeTokens, sendJson, sendNdjson, type FakeTurn, type RecordedRequest } from './http-fake.ts';

export class OllamaFake extends HttpFake {
  /** Turns, or raw objects sent as they are: the whole reply, or a stream's one line. */
  private readonly turns: (FakeTurn | { raw: unknown })[] = [];
  /** Leave prompt_eval_count out, as Ollama does when the whole prompt came from its cache. */
  omitPromptEvalCount = false;
  /** Names listed by GET /api/tags. */
  models = ['llama3.2:latest', 'qwen2.5:7b'];

  constructor() {
    super();
    this.route('POST', /^\/api\/chat$/, (request, response) => this.chat(request, response));
    this.route('GET', /^\/api\/tags$/, (_request, response) => sendJson(response, { models: this.models.map(tagEntry) }));
    this.route('GET', /^\/api\/version$/, (_request, response) => sendJson(response, { version: '0.12.6' }));
    this.route('POST', /^\/api\/embed$/, (request, response) => this.embed(request, response));
  }

  /** Vector length for /api/embed when the request names no `dimensions`. */
  embeddingDimensions = 8;

  /** The bodies of the /api/embed requests received, in order. */
  get embedBodies(): any[] {
    return this.requests.filter((r) => r.path === '/api/embed').map((r) => r.body);
  }

  /** POST /api/embed: `input` is one string or a list; one fakeEmbedding per input, in order. */
  private embed(request: RecordedRequest, response: ServerResponse): void {
    const input: unknown = request.body?.input;
    const texts = (Array.isArray(input) ? input : [input]).map(String);
    const dimensions = Number(request.body?.dimensions ?? this.embeddingDimensions);
    sendJson(response, {
      model: String(request.body?.model ?? 'unknown'),
      embeddings: texts.map((text) => fakeEmbedding(text, dimensions)),
      total_duration: 14_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: texts.reduce((sum, text) => sum + fakeTokens(text), 0),
    });
  }

  /** Scripts the next model turns, answered in order (an empty turn when the queue runs dry). */
  queue(...turns: FakeTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  /** Queues a reply sent as it is (an odd shape): the JSON body, or a stream of that one line. */
  queueRaw(body: unknown): this {
    this.turns.push({ raw: body });
    return this;
  }

  /** The bodies of the /api/chat requests received, in order. */
  get chatBodies(): any[] {
    return this.requests.filter((r) => r.path === '/api/chat').map((r) => r.body);
  }

  private chat(request: RecordedRequest, response: ServerResponse): void {
    const turn = this.turns.shift() ?? { text: '' };
    if ('raw' in turn) return request.body?.stream ? sendNdjson(response, [turn.raw]) : sendJson(response, turn.raw);
    const model = String(request.body?.model ?? 'unknown');
    const lines = request.body?.stream ? streamLines(model, turn) : [{ ...header(model), message: message(turn, turn.text ?? ''), ...footer(turn) }];
    if (this.omitPromptEvalCount) for (const line of lines) delete (line as { prompt_eval_count?: number }).prompt_eval_count;
    if (request.body?.stream) sendNdjson(response, lines);
    else sendJson(response, lines[0]);
  }
}

function header(model: string) {
  return { model, created_at: new Date().toISOString() };
}

function message(turn: FakeTurn, content: string, withCalls = true) {
  const msg: Record<string, unknown> = { role: 'assistant', content };
  // Ollama sends arguments as an object and no call id.
  if (withCalls && turn.toolCalls?.length) {
    msg.tool_calls = turn.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } }));
  }
  return msg;
}

function footer(turn: FakeTurn) {
  return {
    done: true,
    done_reason: turn.finish ?? 'stop',
    total_duration: 1_200_000_000,
    load_duration: 50_000_000,
    prompt_eval_count: turn.usage?.input ?? 10,
    prompt_eval_duration: 100_000_000,
    eval_count: turn.usage?.output ?? 5,
    eval_duration: 1_000_000_000,
  };
}

/** Text in word-sized pieces, then tool calls in a chunk of their own, then the closing line. */
function streamLines(model: string, turn: FakeTurn): unknown[] {
  const pieces = (turn.text ?? '').match(/\S+\s*|\s+/g) ?? [];
  const lines: unknown[] = pieces.map((piece) => ({ ...header(model), message: message(turn, piece, false), done: false }));
  if (turn.toolCalls?.length) lines.push({ ...header(model), message: message(turn, ''), done: false });
  lines.push({ ...header(model), message: { role: 'assistant', content: '' }, ...footer(turn) });
  return lines;
}

function tagEntry(name: string) {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 2_019_393_189,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
  };
}
