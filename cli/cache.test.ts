// `lunar cache export|import|stats` through commander: a recording made against the loopback
// fake exports to JSONL, imports into a fresh cache and replays the same results with no request
// and no key; a bad line stops the import with file:line: field: problem.

import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallCache } from '../agent/providers/cache.ts';
import { cachedChatModel, cachedEmbedder } from '../agent/providers/cached-models.ts';
import { openaiProvider } from '../agent/providers/openai.ts';
import type { ChatRequest, ChatResult } from '../agent/providers/types.ts';
import { OpenAiEmbedder } from '../agent/rag/embedders/openai.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { registerCacheCommands } from './cache.ts';
import { InputError } from '../core/errors.ts';

let fake: OpenAiFake;
let dir: string;

beforeEach(async () => {
  fake = await new OpenAiFake().start();
  dir = mkdtempSync(join(tmpdir(), 'lunar-cache-cmd-'));
});
afterEach(() => fake.close());

async function lunar(home: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('lunar').exitOverride();
  registerCacheCommands(program, () => home, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  await program.parseAsync(['cache', ...args], { from: 'user' });
  return { stdout, stderr };
}

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }], temperature: 0 });

/** Records three chat calls (one with a tool call, two repeats) and two embeddings into <home>/cache.db. */
async function record(home: string, options: { apiKey?: string; env?: NodeJS.ProcessEnv } = { apiKey: 'sk-test' }): Promise<ChatResult[]> {
  const cache = CallCache.inHome(home);
  const provider = { baseUrl: `${fake.url}/v1`, retries: 0, ...options };
  const model = (repeat: number) => cachedChatModel(openaiProvider.create('gpt-4o-mini', provider), cache, { mode: 'on', repeat, label: 'refunds' });
  const results = [
    await model(0).chat(ask('refund window?')),
    await model(1).chat(ask('refund window?')),
    await model(0).chat(ask('open a ticket')),
  ];
  await cachedEmbedder(new OpenAiEmbedder('text-embedding-3-small', provider), cache, { mode: 'on' }).embed(['alpha', 'beta'], 'document');
  cache.close();
  return results;
}

async function replay(home: string): Promise<ChatResult[]> {
  const cache = CallCache.inHome(home);
  // No key: replay never reaches the model.
  const provider = { baseUrl: `${fake.url}/v1`, retries: 0, env: {} };
  const model = (repeat: number) => cachedChatModel(openaiProvider.create('gpt-4o-mini', provider), cache, { mode: 'replay', repeat, label: 'refunds' });
  try {
    return [await model(0).chat(ask('refund window?')), await model(1).chat(ask('refund window?')), await model(0).chat(ask('open a ticket'))];
  } finally {
    cache.close();
  }
}

describe('lunar cache', () => {
  it('export → import into a fresh cache → replay gives identical results with no request', async () => {
    fake.say(
      { text: 'Thirty days.', usage: { input: 1200, output: 40 } },
      { text: 'Within 30 days.' },
      { toolCalls: [{ name: 'open_ticket', arguments: { subject: 'refund', priority: 2 } }] },
    );
    const recorded = await record(join(dir, 'a'));
    const out = join(dir, 'recording.jsonl');
    const exported = await lunar(join(dir, 'a'), 'export', '--out', out);
    expect(exported.stderr).toBe(`${out}: 5 entries (3 chat, 2 embedding) from ${join(dir, 'a', 'cache.db')}\n`);

    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.kind)).toEqual(['chat', 'chat', 'chat', 'embedding', 'embedding']);
    const chatKeys = lines.slice(0, 3).map((l) => l.key);
    expect(chatKeys).toEqual([...chatKeys].sort());
    expect(lines[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', request: { label: 'refunds', messageCount: 1, tools: [], temperature: 0 } });
    expect(lines[3]).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', request: { embedder: 'openai:text-embedding-3-small', kind: 'document' }, result: { dimensions: 8 } });
    expect(readFileSync(out, 'utf8')).not.toContain('sk-test');

    const requestsBefore = fake.requests.length;
    const imported = await lunar(join(dir, 'b'), 'import', out);
    expect(imported.stdout).toBe(`${out}: 5 entries into ${join(dir, 'b', 'cache.db')}: 5 added, 0 replaced, 0 kept\n`);
    const replayed = await replay(join(dir, 'b'));
    expect(replayed).toEqual(recorded);
    expect(fake.requests.length).toBe(requestsBefore);

    // Embeddings replay too, and the re-export is the same bytes.
    const cache = CallCache.inHome(join(dir, 'b'));
    const vectors = await cachedEmbedder(new OpenAiEmbedder('text-embedding-3-small', { env: {} }), cache, { mode: 'replay' }).embed(['beta', 'alpha'], 'document');
    cache.close();
    expect(vectors.map((v) => v.length)).toEqual([8, 8]);
    const again = join(dir, 'again.jsonl');
    await lunar(join(dir, 'b'), 'export', '-o', again);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('export writes to stdout without --out and filters by --provider', async () => {
    await record(join(dir, 'a'));
    const all = await lunar(join(dir, 'a'), 'export');
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect((await lunar(join(dir, 'a'), 'export', '--provider', 'openai')).stdout).toBe(all.stdout);
    expect((await lunar(join(dir, 'a'), 'export', '--provider', 'gemini')).stdout).toBe('');
  });

  it('import keeps existing keys unless --overwrite', async () => {
    fake.say({ text: 'first' });
    await record(join(dir, 'a'));
    const out = join(dir, 'recording.jsonl');
    await lunar(join(dir, 'a'), 'export', '--out', out);
    const edited = readFileSync(out, 'utf8').replace('"text":"first"', '"text":"edited"');
    writeFileSync(out, edited);

    const kept = await lunar(join(dir, 'a'), 'import', out);
    expect(kept.stdout).toBe(`${out}: 5 entries into ${join(dir, 'a', 'cache.db')}: 0 added, 0 replaced, 5 kept (already cached; --overwrite replaces them)\n`);
    expect((await replay(join(dir, 'a')))[0]!.text).toBe('first');

    const replaced = await lunar(join(dir, 'a'), 'import', out, '--overwrite');
    expect(replaced.stdout).toContain(': 0 added, 5 replaced, 0 kept\n');
    expect((await replay(join(dir, 'a')))[0]!.text).toBe('edited');
  });

  it('a malformed line stops the import with file:line: field: problem (exit code 2) and imports nothing', async () => {
    await record(join(dir, 'a'));
    const out = join(dir, 'recording.jsonl');
    await lunar(join(dir, 'a'), 'export', '--out', out);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const bad = JSON.parse(lines[1]!);
    bad.result.usage.inputTokens = 'many';
    const file = join(dir, 'bad.jsonl');
    const fresh = join(dir, 'fresh');

    writeFileSync(file, [lines[0], JSON.stringify(bad), ...lines.slice(2)].join('\n'));
    const error = await lunar(fresh, 'import', file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toBe(`${file}:2: result.usage.inputTokens: Invalid input: expected number, received string`);
    await expect(lunar(fresh, 'stats')).rejects.toThrow('no model-call cache here');

    writeFileSync(file, `${lines[0]}\n\n{"kind": "chat",\n`);
    await expect(lunar(fresh, 'import', file)).rejects.toThrow(new RegExp(`^${file}:3: \\(line\\): not valid JSON: `));

    const vector = JSON.parse(lines[3]!);
    vector.result.dimensions = 9;
    writeFileSync(file, JSON.stringify(vector));
    await expect(lunar(fresh, 'import', file)).rejects.toThrow(`${file}:1: result.vector: holds 8 floats, not result.dimensions (9)`);

    writeFileSync(file, JSON.stringify({ ...JSON.parse(lines[0]!), kind: 'completion' }));
    await expect(lunar(fresh, 'import', file)).rejects.toThrow(`${file}:1: kind: `);

    writeFileSync(file, `${lines[0]}\n${lines[0]}\n`);
    await expect(lunar(fresh, 'import', file)).rejects.toThrow(`${file}:2: key: ${JSON.parse(lines[0]!).key} repeats line 1`);

    await expect(lunar(fresh, 'import', join(dir, 'missing.jsonl'))).rejects.toThrow(`${join(dir, 'missing.jsonl')}: cannot read the recording (ENOENT)`);
  });

  it('stats counts entries per kind, provider and model', async () => {
    await record(join(dir, 'a'));
    const { stdout } = await lunar(join(dir, 'a'), 'stats');
    expect(stdout).toBe(
      [
        join(dir, 'a', 'cache.db'),
        'kind       provider  model                   entries',
        'chat       openai    gpt-4o-mini                   3',
        'embedding  openai    text-embedding-3-small        2',
        'total 5',
        '',
      ].join('\n'),
    );
    expect(JSON.parse((await lunar(join(dir, 'a'), 'stats', '--json')).stdout)).toEqual([
      { kind: 'chat', provider: 'openai', model: 'gpt-4o-mini', entries: 3 },
      { kind: 'embedding', provider: 'openai', model: 'text-embedding-3-small', entries: 2 },
    ]);
  });

  it('export, import and stats take --home like every other command, in place of the default home', async () => {
    await record(join(dir, 'a'));
    const elsewhere = join(dir, 'default-home');
    const stats = await lunar(elsewhere, 'stats', '--home', join(dir, 'a'), '--json');
    expect(JSON.parse(stats.stdout).map((s: { entries: number }) => s.entries)).toEqual([3, 2]);
    const out = join(dir, 'a.jsonl');
    await lunar(elsewhere, 'export', '--home', join(dir, 'a'), '--out', out);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(5);
    const imported = await lunar(elsewhere, 'import', out, '--home', join(dir, 'b'));
    expect(imported.stdout).toBe(`${out}: 5 entries into ${join(dir, 'b', 'cache.db')}: 5 added, 0 replaced, 0 kept\n`);
    expect(existsSync(join(elsewhere, 'cache.db'))).toBe(false);
  });
});
