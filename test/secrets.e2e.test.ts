// A model that echoes the API key it runs under: `lunar bench` as a child process against a fake
// OpenAI server whose answers (text and a tool call's arguments) carry OPENAI_API_KEY. No file
// Lunar writes — results.db, cache.db, the run's reports — nor the exported cache recording may
// hold the key; each place it was shows [redacted:OPENAI_API_KEY] instead.

import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from './fakes/openai-server.ts';
import { lunar } from './lunar-process.ts';

const KEY = 'sk-proj-echoed-0123456789abcdefXYZ';

const fakes: OpenAiFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets in what Lunar writes', () => {
  it('scrubs an echoed API key from results.db, cache.db, the run files and the cache export', async () => {
    const fake = await new OpenAiFake()
      .answerWith((body) =>
        body.messages.some((m: { role: string }) => m.role === 'tool')
          ? { text: `Sure: the key you gave me is ${KEY}. done` }
          : { toolCalls: [{ name: 'calculator', arguments: { expression: `1+1 # ${KEY}` } }] },
      )
      .start();
    fakes.push(fake);
    const dir = mkdtempSync(join(tmpdir(), 'lunar-secrets-'));
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'echo', input: 'what is my key?', category: 'k', expected_contains: 'done' })}\n`);
    writeFileSync(join(dir, 'suite.yaml'), 'name: echo\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
    const home = join(dir, 'home');
    const out = join(dir, 'out');
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1` };

    const ran = await lunar(['bench', join(dir, 'suite.yaml'), '-t', 'openai:gpt-4o-mini', '--home', home, '--out', out], env);
    expect(ran.code).toBe(0);
    // The model did see and echo the key: the fake sent it twice.
    expect(fake.requests.length).toBe(2);
    const exported = await lunar(['cache', 'export', '--db', join(home, 'cache.db')], env);
    expect(exported.code).toBe(0);

    const written = [...filesUnder(home), ...filesUnder(out)];
    expect(written.map((f) => f.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining(['home/cache.db', 'home/results.db', 'out/results.json', 'out/report.html']));
    const holding = written.filter((file) => readFileSync(file).includes(KEY));
    expect(holding).toEqual([]);
    expect(ran.stdout + ran.stderr + exported.stdout + exported.stderr).not.toContain(KEY);

    const db = new Database(join(home, 'results.db'), { readonly: true });
    const row = db.prepare('SELECT final_answer, trace FROM attempts').get() as { final_answer: string; trace: string };
    db.close();
    expect(row.final_answer).toBe('Sure: the key you gave me is [redacted:OPENAI_API_KEY]. done');
    expect(JSON.parse(row.trace).toolCalls[0].arguments).toEqual({ expression: '1+1 # [redacted:OPENAI_API_KEY]' });
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.result.text).sort()).toEqual(['', 'Sure: the key you gave me is [redacted:OPENAI_API_KEY]. done']);
  }, 60_000);
});
