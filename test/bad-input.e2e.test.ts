// Bad input through the real `lunar` command: each is one line on stderr and exit 2, never a
// stack trace, never an empty run that exits 0.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lunar, type Ran } from './lunar-process.ts';

/** Bytes no SQLite file starts with (nor could be read as UTF-8 text of any use). */
const GARBAGE = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'lunar-bad-input-'));
}

/** A folder with a one-case suite; `suite` and `data` change what is written. */
function suiteIn(dir: string, { suite = '', data }: { suite?: string; data?: Buffer } = {}): string {
  writeFileSync(join(dir, 'data.jsonl'), data ?? `${JSON.stringify({ id: 'c1', input: 'hi', category: 'k', expected_contains: 'hi' })}\n`);
  writeFileSync(join(dir, 'suite.yaml'), `name: small\ndataset: data.jsonl\nscorers: [answer_contains]\n${suite}`);
  return join(dir, 'suite.yaml');
}

function expectOneLine(ran: Ran, message: string): void {
  expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 2, stderr: `lunar: ${message}\n` });
}

describe('bad input is one line and exit 2', () => {
  it('a results.db of garbage bytes: lunar bench and lunar report', async () => {
    const dir = scratch();
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'results.db'), GARBAGE);
    const message = `${join(home, 'results.db')}: not a Lunar results store (the file is not an SQLite database, or is damaged); move it aside and Lunar starts a new one`;
    expectOneLine(await lunar(['bench', suiteIn(dir), '-t', 'baseline', '--home', home]), message);
    expectOneLine(await lunar(['report', 'some-run', '--home', home]), message);
    // Nothing was written over it.
    expect(readFileSync(join(home, 'results.db')).equals(GARBAGE)).toBe(true);
  });

  it('a results.db damaged past its first pages: lunar report', async () => {
    const dir = scratch();
    const home = join(dir, 'home');
    const cases = Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `c${i}`, input: `echo ${'words '.repeat(60)}${i}`, category: 'k', expected_contains: 'words' }));
    writeFileSync(join(dir, 'many.jsonl'), `${cases.join('\n')}\n`);
    writeFileSync(join(dir, 'many.yaml'), 'name: many\ndataset: many.jsonl\nscorers: [answer_contains]\n');
    const ran = await lunar(['bench', join(dir, 'many.yaml'), '-t', 'baseline', '--home', home]);
    expect(ran.code).toBe(0);
    const runId = /run (\S+) completed/.exec(ran.stdout)![1]!;
    const file = join(home, 'results.db');
    const bytes = readFileSync(file);
    // The header and schema stay; the pages holding the attempts become garbage.
    for (let i = Math.floor(bytes.length / 2); i < bytes.length; i++) bytes[i] = GARBAGE[i % GARBAGE.length]!;
    writeFileSync(file, bytes);
    expectOneLine(await lunar(['report', runId, '--home', home]), `${file}: not a Lunar results store (the file is not an SQLite database, or is damaged); move it aside and Lunar starts a new one`);
  });

  it('a cache.db of garbage bytes: lunar cache stats and lunar bench', async () => {
    const dir = scratch();
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'cache.db'), GARBAGE);
    const message = `${join(home, 'cache.db')}: not a Lunar model-call cache (the file is not an SQLite database, or is damaged); move it aside and Lunar starts a new one`;
    expectOneLine(await lunar(['cache', 'stats'], { LUNAR_HOME: home }), message);
    expectOneLine(await lunar(['bench', suiteIn(dir), '-t', 'baseline', '--home', home]), message);
  });

  it('--home naming a file', async () => {
    const dir = scratch();
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'hello\n');
    expectOneLine(await lunar(['bench', suiteIn(dir), '-t', 'baseline', '--home', file]), `${file}: a file is in the way of this folder; point --home (or LUNAR_HOME) at a folder`);
  });

  it('lunar merge of a file that is not a results store, and of a cache.db', async () => {
    const dir = scratch();
    const text = join(dir, 'results.json');
    writeFileSync(text, '{"not": "a store"}\n');
    const home = join(dir, 'home');
    expectOneLine(await lunar(['merge', text, '--home', home]), `merge: ${text}: not a results store (give each shard run's results.db, or its --home folder)`);
    // A real cache.db is an SQLite file of Lunar's, but not a results store: refused, and left as it was.
    const cacheHome = join(dir, 'cache-home');
    expect((await lunar(['bench', suiteIn(dir), '-t', 'baseline', '--home', cacheHome])).code).toBe(0);
    const cache = join(cacheHome, 'cache.db');
    const before = readFileSync(cache);
    expectOneLine(await lunar(['merge', cache, '--home', home]), `merge: ${cache}: not a results store (give each shard run's results.db, or its --home folder)`);
    expect(readFileSync(cache).equals(before)).toBe(true);
  });

  it('an empty suites folder', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'suites'));
    expectOneLine(await lunar(['bench', '-t', 'baseline', '--home', join(dir, 'home')], {}, dir), `${join(dir, 'suites')}: no suite files (*.yaml) in this folder; add one, or name a suite file`);
  });

  it('a suites folder whose every suite is left out, and a --filter no case matches: no empty run that exits 0', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'suites'));
    writeFileSync(join(dir, 'suites', 'gone.yaml'), 'name: gone\ndataset: missing.jsonl\nscorers: [answer_contains]\n');
    const leftOut = await lunar(['bench', '-t', 'baseline', '--home', join(dir, 'home')], {}, dir);
    expect(leftOut.stdout).toContain('suite gone left out');
    expectOneLine(leftOut, 'nothing to run: no suite is left (see the lines above for why each was left out)');
    expectOneLine(await lunar(['bench', suiteIn(dir), '-t', 'baseline', '--home', join(dir, 'home'), '--filter', 'no-such-case']), 'nothing to run: no case of small matches --filter no-such-case');
  });

  it("a suite whose workspace: is not there", async () => {
    const dir = scratch();
    const suite = suiteIn(dir, { suite: 'workspace: no-such-folder\n' });
    expectOneLine(await lunar(['bench', suite, '-t', 'baseline', '--home', join(dir, 'home')]), `${suite}: workspace: ${join(dir, 'no-such-folder')} is not a folder`);
  });

  it('a dataset with bytes that are not UTF-8 names the line', async () => {
    const dir = scratch();
    const good = `${JSON.stringify({ id: 'c1', input: 'café', category: 'k', expected_contains: 'x' })}\n`;
    // Line 2: "caf" then 0xE9 (é in Latin-1, not UTF-8) inside the input.
    const bad = Buffer.concat([Buffer.from(good), Buffer.from('{"id": "c2", "input": "caf'), Buffer.from([0xe9]), Buffer.from('", "category": "k", "expected_contains": "x"}\n')]);
    const suite = suiteIn(dir, { data: bad });
    expectOneLine(await lunar(['bench', suite, '-t', 'baseline', '--home', join(dir, 'home')]), `${join(dir, 'data.jsonl')}:2: (line): not UTF-8 (byte 0xe9 at byte 27 of the line); save the file as UTF-8`);
  });
});
