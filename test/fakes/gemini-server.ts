// A fake Gemini Developer API as @google/genai calls it: POST /v1beta/models/{model}:generateContent
// answers one GenerateContentResponse; POST .../{model}:streamGenerateContent?alt=sse answers SSE
// `data:` events, each a GenerateContentResponse chunk (no [DONE]: the stream just ends). Function
// calls come whole in one part, without ids, the first carrying a thoughtSignature as 2.5+ models do.
// Embeddings: POST .../{model}:batchEmbedContents (what the SDK's embedContent calls on the
// Developer API) and .../{model}:embedContent answer fakeEmbedding vectors.

import type { ServerResponse } from 'node:http';
import { HttpFake, fakeEmbedding, sendJson, sendSse, type FakeTurn, type RecordedRequest } from './http-fake.ts';

const ROUTE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const EMBED_ROUTE = /^\/v1beta\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;

export class GeminiFake extends HttpFake {
  /** Turns, or raw response bodies sent as they are (safety blocks, odd shapes). */
  private readonly turns: (FakeTurn | { raw: unknown })[] = [];

  constructor() {
    super();
    this.route('POST', ROUTE, (request, response) => this.generate(request, response));
    this.route('POST', EMBED_ROUTE, (request, response) => this.embed(request, response));
  }

  /** Vector length for embeddings when a request names no `outputDimensionality`. */
  embeddingDimensions = 8;

  /** The embedding requests received (batchEmbedContents, which @google/genai calls, and embedContent), in order. */
  get embedCalls(): RecordedRequest[] {
    return this.requests.filter((r) => EMBED_ROUTE.test(r.path.split('?')[0]!));
  }

  /**
   * batchEmbedContents: {requests: [{model, content, taskType?, outputDimensionality?}]} →
   * {embeddings: [{values}]}; embedContent: {content, ...} → {embedding: {values}}. Each vector is
   * the fakeEmbedding of the content's text parts joined.
   */
  private embed(request: RecordedRequest, response: ServerResponse): void {
    const [, , method] = EMBED_ROUTE.exec(request.path.split('?')[0]!) ?? [];
    const values = (one: any) => {
      const text = (one?.content?.parts ?? []).map((p: any) => p?.text ?? '').join('');
      return fakeEmbedding(text, Number(one?.outputDimensionality ?? this.embeddingDimensions));
    };
    if (method === 'embedContent') return sendJson(response, { embedding: { values: values(request.body) } });
    sendJson(response, { embeddings: (request.body?.requests ?? []).map((one: unknown) => ({ values: values(one) })) });
  }

  queue(...turns: FakeTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  queueRaw(body: unknown): this {
    this.turns.push({ raw: body });
    return this;
  }

  /** The generate requests received, in order. */
  get calls(): RecordedRequest[] {
    return this.requests.filter((r) => ROUTE.test(r.path.split('?')[0]!));
  }

  private generate(request: RecordedRequest, response: ServerResponse): void {
    const [, model = 'unknown', method] = ROUTE.exec(request.path.split('?')[0]!) ?? [];
    const next = this.turns.shift() ?? { text: '' };
    if ('raw' in next) return method === 'streamGenerateContent' ? sendSse(response, [next.raw], '') : sendJson(response, next.raw);
    if (method === 'streamGenerateContent') sendSse(response, streamChunks(model, next), '');
    else sendJson(response, chunk(model, next, [...textParts(next.text), ...callParts(next)], true));
  }
}

/** A Gemini error body, as Google sends it; `retryDelay` ("1s") adds the RetryInfo detail. */
export function geminiError(code: number, status: string, message: string, retryDelay?: string) {
  const details = retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : [];
  return { error: { code, message, status, details } };
}

function textParts(text: string | undefined) {
  return text ? [{ text }] : [];
}

function callParts(turn: FakeTurn) {
  return (turn.toolCalls ?? []).map((c, i) => ({
    functionCall: { name: c.name, args: c.arguments },
    ...(i === 0 ? { thoughtSignature: `c2lnLW${c.name}` } : {}),
  }));
}

function chunk(model: string, turn: FakeTurn, parts: unknown[], final: boolean) {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' }, index: 0 };
  if (final) candidate.finishReason = turn.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  const input = turn.usage?.input ?? 10;
  const output = turn.usage?.output ?? 5;
  return {
    candidates: [candidate],
    usageMetadata: {
      promptTokenCount: input,
      ...(final ? { candidatesTokenCount: output } : {}),
      totalTokenCount: final ? input + output : input,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: input }],
    },
    modelVersion: model,
    responseId: 'fake-response-id',
  };
}

/** Text in word-sized pieces, then the function calls, then a closing chunk with finishReason and full usage. */
function streamChunks(model: string, turn: FakeTurn): unknown[] {
  const pieces = (turn.text ?? '').match(/\S+\s*|\s+/g) ?? [];
  const chunks = pieces.map((piece) => chunk(model, turn, [{ text: piece }], false));
  if (turn.toolCalls?.length) chunks.push(chunk(model, turn, callParts(turn), false));
  chunks.push(chunk(model, turn, [{ text: '' }], true));
  return chunks;
}
