// A two-tool weather agent written with the Vercel AI SDK, as a team would write it, with the SDK's
// own OpenTelemetry on (experimental_telemetry). Lunar runs it as a `module` target:
//   lunar bench examples/agents.yaml   (targets: module:./vercel-ai/agent.ts#agent)
// Its tool calls reach Lunar's Trace from its spans (ai.toolCall), not from its answer.

import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, tool, type ModelMessage } from 'ai';
import { z } from 'zod';
import type { AgentContext, AgentRequest } from '../weather/protocol.ts';
import { convertTemperature, CONVERT_TEMPERATURE, getWeather, GET_WEATHER } from '../weather/tools.ts';
import { tracerFor, tracerProvider, underTraceparent } from '../weather/otel.ts';

const tools = {
  [GET_WEATHER.name]: tool({ description: GET_WEATHER.description, inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => getWeather(city) }),
  [CONVERT_TEMPERATURE.name]: tool({ description: CONVERT_TEMPERATURE.description, inputSchema: z.object({ celsius: z.number() }), execute: async ({ celsius }) => convertTemperature(celsius) }),
};

export async function agent(request: AgentRequest, context: AgentContext = {}) {
  // The OpenAI connection as any app configures it: OPENAI_API_KEY and OPENAI_BASE_URL.
  const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'none', baseURL: process.env.OPENAI_BASE_URL });
  const endpoint = context.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const traceparent = context.traceparent ?? request.traceparent;
  const messages: ModelMessage[] = (request.messages ?? [{ role: 'user', content: request.input ?? '' }])
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
  const result = await underTraceparent(traceparent, () =>
    generateText({
      model: openai.chat(process.env.WEATHER_MODEL ?? 'gpt-4o-mini'),
      system: 'You answer questions about the weather. Use the tools; never guess a temperature.',
      messages,
      tools,
      stopWhen: stepCountIs(5),
      abortSignal: context.signal,
      experimental_telemetry: endpoint ? { isEnabled: true, functionId: 'weather-agent', tracer: tracerFor(endpoint, 'weather-agent') } : { isEnabled: false },
    }),
  );
  // Spans are exported as they end; flushing makes sure the last are sent before the answer.
  if (endpoint) await tracerProvider(endpoint).forceFlush();
  return { text: result.text, usage: { inputTokens: result.totalUsage.inputTokens ?? 0, outputTokens: result.totalUsage.outputTokens ?? 0 } };
}
