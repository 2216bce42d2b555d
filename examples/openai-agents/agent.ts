// A two-tool weather agent written with the OpenAI Agents SDK, as a team would write it. Lunar
// runs it as a `module` target (targets: module:./openai-agents/agent.ts#agent). The SDK traces
// its own way; OtlpForwarder (beside this file) turns its trace into OpenTelemetry spans for
// Lunar's receiver, so the tool calls reach Lunar's Trace from the SDK's own tracing.

import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTraceProcessors, setTracingDisabled, tool, withTrace } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import type { AgentContext, AgentRequest } from '../weather/protocol.ts';
import { convertTemperature, CONVERT_TEMPERATURE, getWeather, GET_WEATHER } from '../weather/tools.ts';
import { OtlpForwarder } from './lunar-forwarder.ts';

const weatherAgent = new Agent({
  name: 'weather',
  instructions: 'You answer questions about the weather. Use the tools; never guess a temperature.',
  model: process.env.WEATHER_MODEL ?? 'gpt-4o-mini',
  tools: [
    tool({ name: GET_WEATHER.name, description: GET_WEATHER.description, parameters: z.object({ city: z.string() }), execute: async ({ city }) => getWeather(city) }),
    tool({ name: CONVERT_TEMPERATURE.name, description: CONVERT_TEMPERATURE.description, parameters: z.object({ celsius: z.number() }), execute: async ({ celsius }) => convertTemperature(celsius) }),
  ],
});

let forwardingTo: string | undefined;

export async function agent(request: AgentRequest, context: AgentContext = {}) {
  setOpenAIAPI('chat_completions');
  setDefaultOpenAIClient(new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'none', baseURL: process.env.OPENAI_BASE_URL }));
  const endpoint = context.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // Replaces the default exporter (to OpenAI's dashboard) with the forwarder, once per endpoint.
  if (endpoint && endpoint !== forwardingTo) {
    setTraceProcessors([new OtlpForwarder(endpoint)]);
    // The SDK turns tracing off by itself under NODE_ENV=test (as vitest sets): on, explicitly.
    setTracingDisabled(false);
    forwardingTo = endpoint;
  }
  const traceparent = context.traceparent ?? request.traceparent;
  const input = request.input ?? request.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const result = await withTrace('weather agent', () => run(weatherAgent, input, { signal: context.signal }), { metadata: { traceparent } });
  const usage = result.state.usage;
  return { text: String(result.finalOutput ?? ''), usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } };
}
