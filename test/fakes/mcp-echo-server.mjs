#!/usr/bin/env node
// An MCP server written for the tests, independent of Lunar: the SDK's McpServer, nothing of
// Lunar's code. Over stdio by default; with `--http` a stateless streamable HTTP server on a free
// loopback port, which it prints to stdout as `listening <port>`.
//
// Tools: echo (text back, prefixed), add (two numbers), fail (an isError result), slow (answers
// after `ms`), whoami (the server's pid, to see which process answered and that it has gone),
// and crash (the process exits with `code` while the call is in flight, after saying so on
// stderr) — a server that dies mid-run. `--add-as NAME` offers add under another name;
// `--linger` keeps the process alive after its stdin closes, as some servers do, so only a signal
// ends it.
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const text = (value) => ({ content: [{ type: 'text', text: value }] });
const addName = process.argv.includes('--add-as') ? process.argv[process.argv.indexOf('--add-as') + 1] : 'add';

function echoServer() {
  const server = new McpServer({ name: 'echo-fixture', version: '1.2.3' });
  server.registerTool('echo', { description: 'Repeat the given text back, prefixed with "echo: "', inputSchema: { text: z.string() } }, ({ text: value }) => text(`echo: ${value}`));
  server.registerTool(addName, { description: 'Add two numbers', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => text(String(a + b)));
  server.registerTool('fail', { description: 'Always reports an error', inputSchema: { why: z.string() } }, ({ why }) => ({ content: [{ type: 'text', text: `failed on purpose: ${why}` }], isError: true }));
  server.registerTool('slow', { description: 'Answer after a delay', inputSchema: { ms: z.number().int().min(0) } }, async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return text(`slept ${ms} ms`);
  });
  server.registerTool('whoami', { description: "The server process's id" }, () => text(String(process.pid)));
  server.registerTool('crash', { description: 'Exit the server process at once', inputSchema: { code: z.number().int().min(1).max(125).optional() } }, ({ code }) => {
    process.stderr.write('echo-fixture: crashing on request\n');
    process.exit(code ?? 3);
  });
  return server;
}

if (process.argv.includes('--http')) {
  const http = createServer(async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    // Stateless: a server and a transport per request, as the SDK's stateless example does.
    const server = echoServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  http.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${http.address().port}\n`));
} else {
  if (process.argv.includes('--linger')) setInterval(() => {}, 60_000);
  process.stderr.write('echo-fixture: serving on stdio\n');
  await echoServer().connect(new StdioServerTransport());
}
