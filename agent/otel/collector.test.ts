// The receiver against the OpenTelemetry JS SDK's own exporters (OTLP/HTTP JSON, gzip, and
// protobuf), and its answers to what a collector refuses.

import { ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanCollector } from '../external/span-collector.ts';
import { newTraceparent } from '../external/span-collector.ts';
import { startSpanCollector } from './collector.ts';

let collector: SpanCollector;
const noPrice = { price: () => undefined };
beforeEach(async () => {
  collector = await startSpanCollector(noPrice);
});
afterEach(async () => {
  await collector.close();
});

function provider(exporter: SpanExporter, batch = false) {
  return new BasicTracerProvider({ spanProcessors: [batch ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 20 }) : new SimpleSpanProcessor(exporter)] });
}

/** A context whose spans join the trace Lunar gave the attempt (what an agent does with the traceparent). */
function attemptContext(traceId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
}

function timed(tracer: Tracer, parent: Context, name: string, start: number, end: number, attributes: Record<string, string | number | boolean | string[]>, error?: string): Context {
  const span = tracer.startSpan(name, { startTime: start, attributes }, parent);
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end(end);
  return trace.setSpan(parent, span);
}

/** An agent traced with the GenAI semantic conventions: ask, two tools (one fails), answer. */
function emitGenAi(tracer: Tracer, parent: Context, t0: number): void {
  const agent = timed(tracer, parent, 'invoke_agent helper', t0, t0 + 1000, { 'gen_ai.operation.name': 'invoke_agent' });
  timed(tracer, agent, 'chat gpt-4o-mini', t0 + 10, t0 + 410, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0.5,
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 25,
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Convert 10 EUR and check the rate date' }] }]),
    'gen_ai.output.messages': JSON.stringify([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_fx', name: 'convert', arguments: { amount: 10, from: 'EUR', to: 'USD' } },
          { type: 'tool_call', id: 'call_date', name: 'rate_date', arguments: {} },
        ],
      },
    ]),
  });
  timed(tracer, agent, 'execute_tool convert', t0 + 420, t0 + 470, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'convert',
    'gen_ai.tool.call.id': 'call_fx',
    'gen_ai.tool.call.arguments': '{"amount":10,"from":"EUR","to":"USD"}',
    'gen_ai.tool.call.result': '10.85',
  });
  timed(tracer, agent, 'execute_tool rate_date', t0 + 421, t0 + 430, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'rate_date', 'gen_ai.tool.call.id': 'call_date' }, 'rates service unavailable');
  timed(tracer, agent, 'chat gpt-4o-mini', t0 + 480, t0 + 700, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 200,
    'gen_ai.usage.output_tokens': 12,
    'gen_ai.response.finish_reasons': ['stop'],
  });
}

const GEN_AI_EXPECTED = {
  spans: 5,
  modelCalls: [
    {
      step: 1,
      request: { messageCount: 1, tools: [], temperature: 0.5 },
      response: {
        text: '',
        toolCalls: [
          { id: 'call_fx', name: 'convert', arguments: { amount: 10, from: 'EUR', to: 'USD' } },
          { id: 'call_date', name: 'rate_date', arguments: {} },
        ],
        finishReason: 'tool_calls',
      },
      usage: { inputTokens: 120, outputTokens: 25 },
      latencyMs: 400,
      costUsd: 0,
      attempts: 1,
      priced: false,
    },
    { step: 2, request: { messageCount: 0, tools: [] }, response: { text: '', toolCalls: [], finishReason: 'stop' }, usage: { inputTokens: 200, outputTokens: 12 }, latencyMs: 220, costUsd: 0, attempts: 1, priced: false },
  ],
  toolCalls: [
    { step: 1, id: 'call_fx', name: 'convert', arguments: { amount: 10, from: 'EUR', to: 'USD' }, result: '10.85', latencyMs: 50 },
    { step: 1, id: 'call_date', name: 'rate_date', arguments: {}, error: 'rates service unavailable', errorKind: 'threw', latencyMs: 9 },
  ],
  messages: [
    { role: 'user', content: 'Convert 10 EUR and check the rate date' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_fx', name: 'convert', arguments: { amount: 10, from: 'EUR', to: 'USD' } },
        { id: 'call_date', name: 'rate_date', arguments: {} },
      ],
    },
  ],
  usage: { inputTokens: 320, outputTokens: 37 },
  costUsd: 0,
};

describe('startSpanCollector with the OpenTelemetry JS SDK exporters', () => {
  it('turns GenAI spans posted as OTLP JSON (gzip) into the attempt trajectory', async () => {
    const { traceId } = newTraceparent();
    const p = provider(new JsonExporter({ url: `${collector.endpoint}/v1/traces`, compression: 'gzip' as never }));
    emitGenAi(p.getTracer('agent'), attemptContext(traceId), Date.UTC(2026, 0, 5, 9));
    await p.forceFlush();
    expect(await collector.trajectory(traceId, { settleMs: 50, timeoutMs: 5000 })).toEqual(GEN_AI_EXPECTED);
    await p.shutdown();
  });

  it('turns the same spans posted as OTLP protobuf through a batch processor into the same trajectory', async () => {
    const { traceId } = newTraceparent();
    const p = provider(new ProtoExporter({ url: `${collector.endpoint}/v1/traces` }), true);
    emitGenAi(p.getTracer('agent'), attemptContext(traceId), Date.UTC(2026, 0, 5, 9));
    expect(await collector.trajectory(traceId, { settleMs: 100, timeoutMs: 5000 })).toEqual(GEN_AI_EXPECTED);
    await p.shutdown();
  });

  it('reads the AI SDK ai.* spans sent as protobuf: the doGenerate steps are the model calls, not their parent', async () => {
    const { traceId } = newTraceparent();
    const p = provider(new ProtoExporter({ url: `${collector.endpoint}/v1/traces` }));
    const tracer = p.getTracer('ai');
    const t0 = Date.UTC(2026, 0, 5, 10);
    const root = timed(tracer, attemptContext(traceId), 'ai.generateText', t0, t0 + 900, { 'ai.operationId': 'ai.generateText', 'ai.usage.inputTokens': 90, 'ai.usage.outputTokens': 9 });
    timed(tracer, root, 'ai.generateText.doGenerate', t0 + 5, t0 + 305, {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o-mini',
      'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'How far is the moon?' }] }]),
      'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'distance' })],
      'ai.response.finishReason': 'tool-calls',
      'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'c1', toolName: 'distance', input: '{"body":"moon"}' }]),
      'ai.usage.inputTokens': 40,
      'ai.usage.outputTokens': 6,
    });
    timed(tracer, root, 'ai.toolCall', t0 + 310, t0 + 312, { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'distance', 'ai.toolCall.id': 'c1', 'ai.toolCall.args': '{"body":"moon"}', 'ai.toolCall.result': '384400' });
    timed(tracer, root, 'ai.generateText.doGenerate', t0 + 320, t0 + 890, { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.response.finishReason': 'stop', 'ai.response.text': '384 400 km.', 'ai.usage.inputTokens': 50, 'ai.usage.outputTokens': 3 });
    await p.forceFlush();
    const t = await collector.trajectory(traceId, { settleMs: 50, timeoutMs: 5000 });
    expect(t.modelCalls.map((c) => [c.step, c.latencyMs, c.usage, c.response?.finishReason, c.response?.text])).toEqual([
      [1, 300, { inputTokens: 40, outputTokens: 6 }, 'tool_calls', ''],
      [2, 570, { inputTokens: 50, outputTokens: 3 }, 'stop', '384 400 km.'],
    ]);
    expect(t.modelCalls[0]!.request.tools).toEqual(['distance']);
    expect(t.toolCalls).toEqual([{ step: 1, id: 'c1', name: 'distance', arguments: { body: 'moon' }, result: '384400', latencyMs: 2 }]);
    expect(t.usage).toEqual({ inputTokens: 90, outputTokens: 9 });
    await p.shutdown();
  });

  it('keeps each trace to its own attempt', async () => {
    const a = newTraceparent().traceId;
    const b = newTraceparent().traceId;
    const p = provider(new JsonExporter({ url: `${collector.endpoint}/v1/traces` }));
    const tracer = p.getTracer('agent');
    timed(tracer, attemptContext(a), 'execute_tool x', 0, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' });
    timed(tracer, attemptContext(b), 'execute_tool y', 0, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'y' });
    await p.forceFlush();
    const [ta, tb] = await Promise.all([collector.trajectory(a, { settleMs: 30 }), collector.trajectory(b, { settleMs: 30 })]);
    expect([ta.toolCalls.map((c) => c.name), tb.toolCalls.map((c) => c.name)]).toEqual([['x'], ['y']]);
    await p.shutdown();
  });
});

describe('startSpanCollector waiting for an attempt spans', () => {
  it('waits until the spans stop arriving: a second export inside the quiet period is included', async () => {
    const { traceId } = newTraceparent();
    const p = provider(new JsonExporter({ url: `${collector.endpoint}/v1/traces` }));
    const tracer = p.getTracer('agent');
    timed(tracer, attemptContext(traceId), 'execute_tool first', 0, 1, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'first' });
    await p.forceFlush();
    const pending = collector.trajectory(traceId, { settleMs: 400, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    timed(tracer, attemptContext(traceId), 'execute_tool second', 2, 3, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'second' });
    await p.forceFlush();
    expect((await pending).toolCalls.map((c) => c.name)).toEqual(['first', 'second']);
    await p.shutdown();
  });

  it('gives up after timeoutMs when no span arrives, with zero spans and the reason', async () => {
    const started = Date.now();
    const t = await collector.trajectory(newTraceparent().traceId, { settleMs: 10, timeoutMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(t).toMatchObject({ spans: 0, modelCalls: [], toolCalls: [], note: expect.stringMatching(/^no spans arrived/) });
  });

  it('stops waiting when the attempt is aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const t = await collector.trajectory(newTraceparent().traceId, { timeoutMs: 10_000, signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(t.spans).toBe(0);
  });
});

describe('startSpanCollector answers like a collector', () => {
  const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/v1/traces') => fetch(`${collector.endpoint}${path}`, { method: 'POST', body, headers });

  it('answers 200 {} to JSON and an empty ExportTraceServiceResponse to protobuf', async () => {
    const json = await post('{"resourceSpans":[]}', { 'content-type': 'application/json' });
    expect([json.status, json.headers.get('content-type'), await json.text()]).toEqual([200, 'application/json', '{}']);
    const proto = await post(new Uint8Array(0), { 'content-type': 'application/x-protobuf' });
    expect([proto.status, proto.headers.get('content-type'), (await proto.arrayBuffer()).byteLength]).toEqual([200, 'application/x-protobuf', 0]);
  });

  it('reads a JSON body with base64 ids, string intValues and a kvlist', async () => {
    const { traceId } = newTraceparent();
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(traceId, 'hex').toString('base64'),
                  spanId: Buffer.from('0102030405060708', 'hex').toString('base64'),
                  name: 'chat',
                  startTimeUnixNano: '1767600000000000000',
                  endTimeUnixNano: 1767600000250000000,
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '77' } },
                    { key: 'gen_ai.usage.output_tokens', value: { intValue: 7 } },
                    { key: 'extra', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'overloaded' },
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await post(gzipSync(JSON.stringify(body)), { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' })).status).toBe(200);
    const t = await collector.trajectory(traceId, { settleMs: 10 });
    expect(t.modelCalls).toMatchObject([{ step: 1, usage: { inputTokens: 77, outputTokens: 7 }, error: 'overloaded' }]);
    // A JSON number past 2^53 nanoseconds is already rounded by JSON itself: within a microsecond.
    expect(t.modelCalls[0]!.latencyMs).toBeCloseTo(250, 3);
  });

  it('refuses other media types (415), bodies that do not parse (400), bodies over the limit (413) and other paths (404)', async () => {
    const small = await startSpanCollector({ maxBodyBytes: 64 });
    try {
      const text = await post('x', { 'content-type': 'text/plain' });
      expect([text.status, ((await text.json()) as { message: string }).message]).toEqual([415, 'unsupported content type "text/plain": send application/json or application/x-protobuf']);
      expect((await post('x', { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
      const bad = await post('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}', { 'content-type': 'application/json' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toMatch(/^not an ExportTraceServiceRequest: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId: expected 32 hex digits/);
      expect((await post('{not json', { 'content-type': 'application/json' })).status).toBe(400);
      // A length-delimited field (resource_spans) claiming 100 bytes where 1 follows.
      const truncated = await post(new Uint8Array([0x0a, 100, 1]), { 'content-type': 'application/x-protobuf' });
      expect(truncated.status).toBe(400);
      expect(truncated.headers.get('content-type')).toBe('application/x-protobuf');
      expect((await post('not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(400);
      const big = await fetch(`${small.endpoint}/v1/traces`, { method: 'POST', body: 'x'.repeat(65), headers: { 'content-type': 'application/json' } });
      expect(big.status).toBe(413);
      // Small on the wire, over the limit once inflated.
      const bomb = await fetch(`${small.endpoint}/v1/traces`, { method: 'POST', body: gzipSync(' '.repeat(10_000)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(bomb.status).toBe(413);
      expect((await post('{}', { 'content-type': 'application/json' }, '/v1/metrics')).status).toBe(404);
      expect((await fetch(`${collector.endpoint}/v1/traces`)).status).toBe(405);
    } finally {
      await small.close();
    }
  });
});
