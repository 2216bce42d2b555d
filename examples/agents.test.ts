// The example agents (a Vercel AI SDK agent and an OpenAI Agents SDK agent), called as Lunar calls a
// module target, against the loopback fake OpenAI server: their own telemetry must carry every
// tool call, under the attempt's trace id, to an OTLP/HTTP collector.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTraceparent } from '../agent/external/span-collector.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { weatherScript } from '../test/fakes/weather-script.ts';

interface CapturedSpan {
  traceId: string;
  name: string;
  attributes: Record<string, string>;
}

/** The smallest OTLP/HTTP JSON collector: every span posted, with its attributes flattened. */
function captureCollector(): Promise<{ url: string; spans: CapturedSpan[]; server: Server }> {
  const spans: CapturedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { traceId: string; name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[] }[] }[] };
      for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
        spans.push({ traceId: s.traceId, name: s.name, attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, String(Object.values(a.value)[0])])) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, server })));
}

const AGENTS = {
  'Vercel AI SDK': { module: './vercel-ai/agent.ts', toolSpan: 'ai.toolCall', name: 'ai.toolCall.name', args: 'ai.toolCall.args' },
  'OpenAI Agents SDK': { module: './openai-agents/agent.ts', toolSpan: 'execute_tool', name: 'gen_ai.tool.name', args: 'gen_ai.tool.call.arguments' },
} as const;

describe.each(Object.entries(AGENTS))('the %s weather agent', (_name, agentInfo) => {
  let fake: OpenAiFake;
  let collector: Awaited<ReturnType<typeof captureCollector>>;
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };

  beforeAll(async () => {
    fake = await new OpenAiFake().answerWith(weatherScript).start();
    collector = await captureCollector();
    process.env.OPENAI_API_KEY = 'sk-example';
    process.env.OPENAI_BASE_URL = `${fake.url}/v1`;
  });
  afterAll(async () => {
    process.env.OPENAI_API_KEY = saved.key;
    process.env.OPENAI_BASE_URL = saved.url;
    await fake.close();
    collector.server.close();
  });

  it('answers through the fake model and sends its two tool calls, under the attempt trace id, to the collector', async () => {
    const { agent } = (await import(agentInfo.module)) as { agent: (r: object, c: object) => Promise<{ text: string; usage: { inputTokens: number } }> };
    const { traceparent, traceId } = newTraceparent();
    const answer = await agent({ input: 'How warm is it in Lima, in Fahrenheit?' }, { traceparent, otlpEndpoint: collector.url });
    expect(answer.text).toBe('It is 72°F in Lima, and sunny.');
    expect(answer.usage.inputTokens).toBe(40 + 50 + 60);
    const mine = collector.spans.filter((s) => s.traceId === traceId);
    const toolSpans = mine.filter((s) => s.name.startsWith(agentInfo.toolSpan));
    expect(toolSpans.map((s) => [s.attributes[agentInfo.name], JSON.parse(s.attributes[agentInfo.args]!)])).toEqual([
      ['get_weather', { city: 'Lima' }],
      ['convert_temperature', { celsius: 22 }],
    ]);
  });
});
