// What a newcomer meets in the first hour, through the real `lunar` command as a child process:
// a dataset without categories, a run mixing targets at high concurrency, `lunar chat` from stdin.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from './fakes/openai-server.ts';
import { lunar, ROOT } from './lunar-process.ts';

/** `lunar` as a child process (test/lunar-process.ts), with what a test types on its stdin. */
const run = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => lunar(args, options.env, ROOT, options.input ?? '');

const scratch = () => mkdtempSync(join(tmpdir(), 'lunar-first-hour-'));

describe('a dataset without categories', () => {
  it('runs, its cases reported under the category "default"', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'a', input: 'say ok', expected_contains: 'ok', script: [{ text: 'ok' }] })}\n`);
    writeFileSync(join(dir, 'plain.yaml'), 'name: plain\ndataset: data.jsonl\nscorers: [answer_contains]\n');
    const ran = await run(['bench', join(dir, 'plain.yaml'), '-t', 'scripted', '--home', join(dir, 'home'), '--out', join(dir, 'out')]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/plain\s+default\s+scripted\s+1\s+0\s+100\.0%/);
    expect(readFileSync(join(dir, 'out', 'results.json'), 'utf8')).toContain('"caseId":"a","category":"default"');
  });
});

describe('a run that mixes targets at high concurrency', () => {
  it('prints no MaxListenersExceededWarning: 140 attempts, 32 at a time, share one abort signal', async () => {
    const dir = scratch();
    const ran = await run(['bench', 'tools', '-t', 'baseline', '-t', 'baseline:second', '--concurrency', '32', '--home', join(dir, 'home'), '--out', join(dir, 'out')]);
    expect(ran.stdout).toContain('140 attempts');
    expect(ran.stderr).not.toContain('MaxListenersExceededWarning');
    expect(ran.stderr).not.toContain('memory leak');
  }, 60_000);
});

describe('lunar chat from stdin', () => {
  const fakes: OpenAiFake[] = [];
  afterEach(async () => {
    for (const fake of fakes.splice(0)) await fake.close();
  });

  it('does not quit on an empty line, saves the conversation, and --session continues it with its history', async () => {
    const dir = scratch();
    const script = join(dir, 'script.jsonl');
    writeFileSync(script, ['first answer', 'second answer', 'third answer'].map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const home = join(dir, 'home');
    const first = await run(['chat', '-t', `scripted:${script}`, '--home', home], { input: 'one\n\n   \ntwo\n' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('first answer');
    expect(first.stdout).toContain('second answer');
    const id = /Saved as session (\S+): lunar chat --session \1 continues it\./.exec(first.stdout)?.[1];
    expect(id).toBeDefined();

    // The model sees the saved turns: a fake OpenAI server records what it was sent.
    const fake = await new OpenAiFake().start();
    fakes.push(fake);
    fake.say({ text: 'three it is' });
    const again = await run(['chat', '-t', 'openai:gpt-4o-mini', '--session', id!, '--home', home, '--no-stream'], { input: 'three\n', env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` } });
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain(`Continuing session ${id} (2 turns).`);
    expect(again.stdout).toContain('three it is');
    expect(fake.lastBody.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'one'],
      ['assistant', 'first answer'],
      ['user', 'two'],
      ['assistant', 'second answer'],
      ['user', 'three'],
    ]);
    expect(again.stdout).toContain(`Saved as session ${id}:`);
  }, 60_000);

  it('refuses a session that does not exist: one line, exit 2', async () => {
    const dir = scratch();
    const ran = await run(['chat', '-t', 'baseline', '--session', 'nope', '--home', join(dir, 'home')], { input: 'hi\n' });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(`lunar: --session: no session "nope": ${join(dir, 'home', 'sessions', 'nope.jsonl')} does not exist\n`);
  }, 30_000);

  it('says a failed turn once, and does not keep it: the next turn is sent without the unanswered message', async () => {
    const dir = scratch();
    const fake = await new OpenAiFake().start();
    fakes.push(fake);
    fake.fault({ kind: 'status', status: 400, body: { error: { message: 'bad request on purpose', type: 'invalid_request_error' } } });
    fake.say({ text: 'fine now' });
    const ran = await run(['chat', '-t', 'openai:gpt-4o-mini', '--home', join(dir, 'home'), '--no-stream'], { input: 'first\nsecond\n', env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` } });
    expect(ran.code).toBe(0);
    const said = `${ran.stdout}${ran.stderr}`;
    expect(said.split('bad request on purpose').length - 1).toBe(1);
    expect(said).toContain('fine now');
    expect(fake.lastBody.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([['user', 'second']]);
  }, 60_000);
});

describe('lunar search over an .mdx corpus', () => {
  it('indexes the prose without the JSX and prints each hit with its fused score, not the MMR value', async () => {
    const dir = scratch();
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(
      join(docs, 'refunds.mdx'),
      "import { Callout } from '../components/Callout'\n\n# Refunds\n\n<Callout type=\"info\">\nRefunds are paid within 14 days of the request.\n</Callout>\n",
    );
    writeFileSync(join(docs, 'shipping.md'), '# Shipping\n\nParcels ship from Lyon every weekday. Refunds for lost parcels go through the carrier.\n');
    const index = join(dir, 'index.db');
    expect((await run(['index', docs, '-i', index])).code).toBe(0);

    const printed = await run(['search', 'when are refunds paid', '-i', index]);
    const json = JSON.parse((await run(['search', 'when are refunds paid', '-i', index, '--json'])).stdout) as { path: string; text: string; breakdown: Record<string, number> }[];
    expect(json.map((h) => h.path)).toEqual(['refunds.mdx', 'shipping.md']);
    expect(json[0]!.text).toBe('Refunds\n\nRefunds are paid within 14 days of the request.');
    const scores = [...printed.stdout.matchAll(/^ {3}score (\S+) /gm)].map((m) => m[1]);
    // The fused score (weighted BM25 and cosine, before MMR), as the breakdown has it; MMR puts 0.7000 on every first hit.
    expect(scores).toEqual(json.map((h) => h.breakdown.fused!.toFixed(4)));
    expect(scores[0]).not.toBe('0.7000');
    expect(printed.stdout).not.toContain('Callout');
  }, 60_000);
});
