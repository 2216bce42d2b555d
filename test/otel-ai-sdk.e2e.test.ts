// The Vercel AI SDK's own telemetry reaching Lunar: generateText and streamText with two tools,
// against the loopback fake OpenAI server scripted to call one tool, then the other, then answer;
// the SDK's spans go through the real OTLP exporter to Lunar's receiver and become the trajectory.

import { createOpenAI } from '@ai-sdk/openai';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newTraceparent, type SpanCollector } from '../agent/external/span-collector.ts';
import { startSpanCollector } from '../agent/otel/collector.ts';
import { fakeCallId, OpenAiFake, TEST_KEY } from './fakes/openai-server.ts';
import { useAsyncContext } from './otel-context.ts';

useAsyncContext();
let fake: OpenAiFake;
let collector: SpanCollector;
let provider: BasicTracerProvider;

beforeAll(async () => {
  fake = await new OpenAiFake().start();
  collector = await startSpanCollector();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.endpoint}/v1/traces` }))] });
});
afterAll(async () => {
  await provider.shutdown();
  await collector.close();
  await fake.close();
});

const tools = {
  weather: tool({ description: 'Current temperature of a city in °C', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 18 }) }),
  to_fahrenheit: tool({ description: 'Convert °C to °F', inputSchema: z.object({ celsius: z.number() }), execute: async ({ celsius }) => celsius * 1.8 + 32 }),
};

// gpt-4o-mini at $0.15 / $0.60 per million tokens; the fake reports 10 in, 5 out per call.
const CALL_COST = (10 * 0.15 + 5 * 0.6) / 1e6;

describe('the Vercel AI SDK with telemetry on, spans sent to Lunar', () => {
  it.each(['generateText', 'streamText'] as const)('%s: both tool calls, with their arguments, results and steps, reach the trajectory', async (mode) => {
    fake.say(
      { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }] },
      { toolCalls: [{ name: 'to_fahrenheit', arguments: { celsius: 18 } }] },
      { text: 'It is 64.4 °F in Oslo.' },
    );
    const model = createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: TEST_KEY }).chat('gpt-4o-mini');
    const { traceId } = newTraceparent();
    const attempt = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    const settings = { model, tools, prompt: 'How warm is Oslo in °F?', stopWhen: stepCountIs(5), experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('agent') } };
    const text = await context.with(attempt, async () => (mode === 'generateText' ? (await generateText(settings)).text : await streamText(settings).text));
    expect(text).toBe('It is 64.4 °F in Oslo.');
    await provider.forceFlush();

    const t = await collector.trajectory(traceId, { settleMs: 100, timeoutMs: 5000 });
    expect(t.modelCalls.map((c) => ({ step: c.step, usage: c.usage, finish: c.response?.finishReason, calls: c.response?.toolCalls.map((x) => x.name), tools: c.request.tools }))).toEqual([
      { step: 1, usage: { inputTokens: 10, outputTokens: 5 }, finish: 'tool_calls', calls: ['weather'], tools: ['weather', 'to_fahrenheit'] },
      { step: 2, usage: { inputTokens: 10, outputTokens: 5 }, finish: 'tool_calls', calls: ['to_fahrenheit'], tools: ['weather', 'to_fahrenheit'] },
      { step: 3, usage: { inputTokens: 10, outputTokens: 5 }, finish: 'stop', calls: [], tools: ['weather', 'to_fahrenheit'] },
    ]);
    expect(t.toolCalls.map(({ latencyMs, ...call }) => call)).toEqual([
      { step: 1, id: fakeCallId(fake.requests.length - 2, 0), name: 'weather', arguments: { city: 'Oslo' }, result: '{"city":"Oslo","celsius":18}' },
      { step: 2, id: fakeCallId(fake.requests.length - 1, 0), name: 'to_fahrenheit', arguments: { celsius: 18 }, result: '64.4' },
    ]);
    expect(t.usage).toEqual({ inputTokens: 30, outputTokens: 15 });
    expect(t.costUsd).toBeCloseTo(3 * CALL_COST, 15);
    expect(t.messages?.[0]).toEqual({ role: 'user', content: 'How warm is Oslo in °F?' });
    expect(t.messages?.at(-1)).toEqual({ role: 'assistant', content: 'It is 64.4 °F in Oslo.' });
    expect(t.note).toBeUndefined();
  });
});
