// Serves an example agent over HTTP, as a team deploys its agent, so Lunar can benchmark it as an
// `http` target:
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node --import tsx examples/serve.ts vercel-ai 8787
// POST /chat with {"input": "...", "messages": [...]} and a W3C `traceparent` header answers
// {"output": "...", "usage": {...}}; the agent's spans go to the OTLP endpoint under that traceparent.

import { createServer } from 'node:http';

type Agent = (request: { input?: string; messages?: { role: string; content: string }[] }, context: { traceparent?: string }) => Promise<{ text: string; usage: object }>;

const AGENTS: Record<string, () => Promise<Agent>> = {
  'vercel-ai': async () => (await import('./vercel-ai/agent.ts')).agent,
  'openai-agents': async () => (await import('./openai-agents/agent.ts')).agent,
};

const [which = 'vercel-ai', port = '8787'] = process.argv.slice(2);
const load = AGENTS[which];
if (!load) {
  console.error(`unknown agent ${which}: one of ${Object.keys(AGENTS).join(', ')}`);
  process.exit(2);
}
const agent = await load();

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/chat') return void res.writeHead(404).end();
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    try {
      const request = JSON.parse(body) as { input?: string; messages?: { role: string; content: string }[] };
      const traceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined;
      const answer = await agent(request, { traceparent });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ output: answer.text, usage: answer.usage }));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`${which} agent on http://127.0.0.1:${(server.address() as { port: number }).port}/chat`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
