import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { DEFAULT_MCP_TIMEOUT_MS, expandConfig, McpConfigError, McpSetting, resolveMcpServers } from './config.ts';

const Holder = z.object({ mcp: McpSetting });

function firstIssue(value: unknown): { path: string; message: string } {
  const parsed = Holder.safeParse({ mcp: value });
  if (parsed.success) throw new Error('expected the value to be refused');
  const issue = parsed.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe("a suite's mcp: list", () => {
  it('resolves a command server with its defaults: args [], env {}, cwd the suite folder, prefixed names, a 60 s timeout', () => {
    const setting = Holder.parse({ mcp: [{ name: 'echo', command: 'node', args: ['server.mjs'] }] }).mcp;
    const [server] = resolveMcpServers(setting, '/suites', '/suites/s.yaml');
    expect(server).toEqual({ name: 'echo', source: '/suites/s.yaml', timeoutMs: DEFAULT_MCP_TIMEOUT_MS, prefix: true, transport: 'stdio', command: 'node', args: ['server.mjs'], env: {}, cwd: '.', folder: '/suites' });
    expect(expandConfig(server!, {})).toMatchObject({ cwd: '/suites' });
  });

  it('resolves a url server with its headers, timeout and prefix as given', () => {
    const setting = Holder.parse({ mcp: [{ name: 'docs', url: 'http://127.0.0.1:9/mcp', headers: { 'x-team': 'a' }, timeout_ms: 500, prefix: false }] }).mcp;
    expect(resolveMcpServers(setting, '/suites', '/suites/s.yaml')).toEqual([
      { name: 'docs', source: '/suites/s.yaml', timeoutMs: 500, prefix: false, transport: 'http', url: 'http://127.0.0.1:9/mcp', headers: { 'x-team': 'a' } },
    ]);
  });

  it('refuses an entry with both a command and a url, at the entry', () => {
    expect(firstIssue([{ name: 'x', command: 'node', url: 'http://h/mcp' }])).toEqual({ path: 'mcp.0', message: 'give either command (a server Lunar starts) or url (a streamable HTTP server)' });
  });

  it('refuses headers on a command server, naming the field', () => {
    expect(firstIssue([{ name: 'x', command: 'node', headers: { a: 'b' } }])).toEqual({ path: 'mcp.0.headers', message: 'headers go with a url, not a command' });
  });

  it('names a misspelt field, not the whole list', () => {
    expect(firstIssue([{ name: 'x', command: 'node', arg: ['a'] }])).toMatchObject({ path: 'mcp.0.arg' });
  });

  it('refuses a server listed twice and a name providers could not prefix', () => {
    expect(firstIssue([{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }])).toEqual({ path: 'mcp.1.name', message: 'server "a" is listed twice' });
    expect(firstIssue([{ name: 'my server', command: 'x' }])).toMatchObject({ path: 'mcp.0.name' });
  });

  it('refuses a value that is neither a list nor a file path', () => {
    expect(firstIssue(5).message).toMatch(/expected a list of servers/);
  });
});

describe('an mcpServers file (Claude Desktop, Cursor, .mcp.json)', () => {
  function file(body: unknown): string {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-config-'));
    const path = join(dir, 'mcp.json');
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
    return path;
  }

  it('reads each server under mcpServers by its key, relative to the file, leaving out disabled ones and ignoring keys of other tools', () => {
    const path = file({ mcpServers: { fs: { command: 'npx', args: ['-y', 'server-fs'], autoApprove: [] }, off: { command: 'x', disabled: true }, web: { type: 'http', url: 'https://h/mcp' } }, theme: 'dark' });
    const servers = resolveMcpServers('mcp.json', join(path, '..'), '/suites/s.yaml');
    expect(servers.map((s) => [s.name, s.transport, s.source])).toEqual([
      ['fs', 'stdio', path],
      ['web', 'http', path],
    ]);
    expect(expandConfig(servers[0]!, {})).toMatchObject({ cwd: join(path, '..') });
  });

  it('refuses an SSE server with the line and field, as an InputError', () => {
    const path = file('{\n  "mcpServers": {\n    "old": { "type": "sse", "url": "http://h/sse" }\n  }\n}\n');
    expect(() => resolveMcpServers(path, '/', '/s.yaml')).toThrow(InputError);
    expect(() => resolveMcpServers(path, '/', '/s.yaml')).toThrow(`${path}:3: mcpServers.old.type: the SSE transport is not supported`);
  });
});

describe('expandConfig', () => {
  const [server] = resolveMcpServers(
    Holder.parse({ mcp: [{ name: 'gh', command: '${BIN:-node}', args: ['--token=${TOKEN}'], env: { KEY: '${TOKEN}' }, cwd: '${DIR:-tools}' }] }).mcp,
    '/suites',
    '/suites/s.yaml',
  );

  it('reads ${VAR} from the environment and uses ${VAR:-default} when it is unset or empty', () => {
    expect(expandConfig(server!, { TOKEN: 't0k', BIN: '' })).toMatchObject({ command: 'node', args: ['--token=t0k'], env: { KEY: 't0k' }, cwd: '/suites/tools' });
  });

  it('refuses a variable that is not set, naming the file, server, field and variable', () => {
    expect(() => expandConfig(server!, {})).toThrow(McpConfigError);
    expect(() => expandConfig(server!, {})).toThrow('/suites/s.yaml: mcp: gh: args.0: ${TOKEN} is not set in the environment');
  });

  it('leaves the parsed suite as written, so a secret is only in the expanded copy', () => {
    expandConfig(server!, { TOKEN: 'secret' });
    expect(JSON.stringify(server)).not.toContain('secret');
  });
});
