// `lunar judge calibrate` through commander, on a few LLMBar and HaluEval rows copied at test time
// from the reference data (test/reference-data.ts) into a temporary folder: the figures printed are worked out by hand from
// the scripted verdicts; the record lands in calibrations.jsonl; a second run against the fake
// OpenAI server is served from the model-call cache.

import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from './exit.ts';
import { readCalibrations } from '../judges/calibration-store.ts';
import { judgePromptHashes } from '../judges/prompts/index.ts';
import { chatCount, json } from '../test/fakes/judge-fixtures.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { InputError } from '../core/errors.ts';
import { registerJudgeCommands } from './judge.ts';
import { referenceData } from '../test/reference-data.ts';
import { kappaInterval } from '../metrics/kappa-interval.ts';

const LLMBAR = referenceData('llmbar', ['natural.json']);
const HALUEVAL = referenceData('halueval', ['general_data.even.jsonl']);
const NOW = new Date('2026-12-04T10:00:00.000Z');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lunar-judge-cmd-'));
});
/** LLMBar natural.json pairs at these positions, written as a JSON array (labels 1, 2, 1, 2 for 3, 4, 5, 7). */
function llmbar(positions: number[]): string {
  const all = JSON.parse(readFileSync(LLMBAR.file('natural.json'), 'utf8')) as { label: number }[];
  const file = join(dir, 'natural.json');
  writeFileSync(file, JSON.stringify(positions.map((p) => all[p]), null, 2));
  return file;
}

/** The first `count` HaluEval lines, byte for byte (IDs 2, 4, 6, …; labels yes yes no no no yes). */
function halueval(count: number): string {
  const lines = readFileSync(HALUEVAL.file('general_data.even.jsonl'), 'utf8').split('\n').slice(0, count);
  const file = join(dir, 'halueval.jsonl');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

function script(replies: string[]): string {
  const file = join(dir, 'judge.jsonl');
  writeFileSync(file, replies.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  return file;
}

const pair = (v: '1' | '2' | 'tie', why = `says ${v}`) => json({ reasoning: why, verdict: v });
const halu = (v: 'yes' | 'no') => json({ reasoning: `hallucination ${v}`, hallucination: v });

async function lunar(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('lunar').exitOverride();
  registerJudgeCommands(program, () => home, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env, now: () => NOW });
  await program.parseAsync(['judge', 'calibrate', ...args], { from: 'user' });
  return { stdout, stderr, exitCode: exitCodeOf(program) };
}

const lineOf = (stdout: string, name: string) => stdout.split('\n').find((l) => l.startsWith(name));

describe.skipIf(!LLMBAR.present)('lunar judge calibrate: pairwise (LLMBar)', () => {
  it('prints agreement 0.5, kappa 0.2, rho 1/√18, accuracy by order and position consistency as worked by hand', async () => {
    const data = llmbar([3, 4, 5, 7]);
    // Per pair: the verdict with the pair as given, then with the outputs swapped (positional).
    // #0 label 1: 1, then 2 (output 1 both times) → 1. #1 label 2: 2, then 1 → 2.
    // #2 label 1: 1, then 1 (output 1, then output 2): a flip → tie. #3 label 2: 1, then 2 → 1 (wrong in both orders).
    const judge = script([pair('1'), pair('2'), pair('2'), pair('1'), pair('1', 'A first'), pair('1', 'B first'), pair('1'), pair('2')]);
    const home = join(dir, 'home');
    const out = await lunar(home, ['--judge', `scripted:${judge}`, '--data', data]);
    expect([out.exitCode, out.stderr]).toEqual([0, '']);
    // Judge × label: (1,1) (2,2) (tie,1) (1,2). p_o = 2/4. Judge shares 1:2 2:1 tie:1, labels 1:2 2:2:
    // p_e = (2·2 + 1·2 + 1·0)/16 = 6/16, κ = (8 − 6)/(16 − 6) = 0.2.
    // Spearman on 1/0.5/0 against 1/0: ranks (3.5,1,2,3.5) and (3.5,1.5,3.5,1.5): Σdxdy = 1, Σdx² = 4.5, Σdy² = 4 → 1/√18 = 0.2357.
    // As given: 1,2,1,1 against 1,2,1,2 → 3/4; swapped: 1,2,2,1 → 2/4; consistent in 3 of 4.
    // Kappa's interval over the four (judge, label) pairs, from the tested interval function.
    const ci = kappaInterval([['1', '1'], ['2', '2'], ['tie', '1'], ['1', '2']])!;
    expect(out.stdout.split('\n').slice(0, 18)).toEqual([
      `judge scripted:${judge} on llmbar natural.json (pairwise, all 4 rows)`,
      `prompt pairwise.compare sha256 ${hash('pairwise.compare').slice(0, 12)} · data sha256 ${sha(data).slice(0, 12)}`,
      'n                     4',
      'agreement             0.500',
      "cohen's kappa         0.200",
      `kappa 95% CI          [${ci.low!.toFixed(3)}, ${ci.high!.toFixed(3)}] (bootstrap over 4 rows, 10,000 resamples; ${ci.undefinedResamples} with kappa undefined left out); a kappa floor holds only above the lower bound`,
      "spearman's rho        0.236",
      "accuracy by order     0.750 as given · 0.500 swapped · 0.625 mean (LLMBar's accuracy)",
      'position consistency  0.750  (the same verdict in both orders; a flip is a tie)',
      'judge \\ label              1     2',
      '  1                        1     1',
      '  2                        0     1',
      '  tie                      1     0',
      'unusable              0',
      'judge calls           8 (0 from the cache) · $0.000000',
      'disagreements         2 (showing 2)',
      '  #2  label 1  judge tie (as given 1, swapped 2)  "A first | B first"',
      '  #3  label 2  judge 1 (as given 1, swapped 1)  "says 1 | says 2"',
    ]);
    const [record] = readCalibrations(join(home, 'calibrations.jsonl'));
    expect(record).toEqual({
      judge: `scripted:${judge}`,
      kind: 'pairwise',
      prompt: 'pairwise.compare',
      prompt_sha256: hash('pairwise.compare'),
      core_sha256: hash('judge.core'),
      criteria_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      data: 'natural.json',
      data_format: 'llmbar',
      data_sha256: sha(data),
      sample: null,
      n: 4,
      unusable: 0,
      agreement: 0.5,
      kappa: 0.2,
      kappa_interval: { low: ci.low, high: ci.high, level: 0.95, resamples: 10_000, undefined_resamples: ci.undefinedResamples, seed: 0 },
      spearman: expect.closeTo(1 / Math.sqrt(18), 12),
      accuracy_by_order: [0.75, 0.5],
      position_consistency: 0.75,
      date: '2026-12-04T10:00:00.000Z',
    });
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe(`recorded in ${join(home, 'calibrations.jsonl')}`);
  });

  it('--limit takes a seeded sample, not the first rows: 2 of 4 with seed 1 are pairs #1 and #2', async () => {
    // seededSample(4, 2, 1): r1 = 0.627 → swap 0↔2 → [2,1,0,3]; r2 = 0.0027 → no swap; picks 2, 1 → #1, #2.
    const data = llmbar([3, 4, 5, 7]);
    const judge = script([pair('2'), pair('1'), pair('1'), pair('1')]);
    const out = await lunar(join(dir, 'home'), ['--judge', `scripted:${judge}`, '--data', data, '--limit', '2', '--seed', '1', '--json', '--no-record']);
    const report = JSON.parse(out.stdout);
    // #1 (label 2) right in both orders; #2 (label 1) flips to a tie.
    expect(report).toMatchObject({ rows: 2, sample: { limit: 2, seed: 1 }, n: 2, agreement: 0.5, recorded: null, accuracy_by_order: [1, 0.5], position_consistency: 0.5 });
    expect(report.disagreements).toEqual([{ id: '2', label: '1', verdict: 'tie', orders: ['1', '2'], reasoning: 'says 1 | says 1' }]);
  });
});

describe.skipIf(!HALUEVAL.present)('lunar judge calibrate: hallucination (HaluEval)', () => {
  it('prints kappa 1/6 and rho = phi = 1/6 on five rows, with a sixth the judge never answered usably left out of n', async () => {
    const data = halueval(6);
    // Labels yes yes no no no yes; verdicts yes no no no yes, then three replies that do not fit.
    const judge = script([halu('yes'), halu('no'), halu('no'), halu('no'), halu('yes'), '{"verdict": "yes"}', 'not json', '{"hallucination": "maybe"}']);
    const out = await lunar(join(dir, 'home'), ['--judge', `scripted:${judge}`, '--data', data]);
    expect(out.exitCode).toBe(0);
    // Judge × label over 5: yes/yes 1, yes/no 1, no/yes 1, no/no 2. p_o = 3/5; p_e = 0.4·0.4 + 0.6·0.6 = 0.52;
    // κ = 0.08/0.48 = 1/6. phi = (1·2 − 1·1)/√(2·3·2·3) = 1/6.
    expect(lineOf(out.stdout, 'n ')).toBe('n                     5');
    expect(lineOf(out.stdout, 'agreement')).toBe('agreement             0.600');
    expect(lineOf(out.stdout, "cohen's kappa")).toBe("cohen's kappa         0.167");
    expect(lineOf(out.stdout, "spearman's rho")).toBe("spearman's rho        0.167  (verdicts and labels both binary: the phi coefficient)");
    expect(lineOf(out.stdout, 'unusable')).toBe('unusable              1  (no usable judge reply: left out of n)');
    expect(out.stdout).toContain('  #4  label yes  judge no  "hallucination no"\n  #10  label no  judge yes  "hallucination yes"\n  #12  no verdict (error): judge scripted:');
    expect(out.stdout).not.toContain('position consistency');
    const [record] = readCalibrations(join(dir, 'home', 'calibrations.jsonl'));
    expect(record).toMatchObject({ kind: 'hallucination', prompt: 'hallucination.reference_free', prompt_sha256: hash('hallucination.reference_free'), data_format: 'halueval', n: 5, unusable: 1, agreement: 0.6 });
    expect(record!.kappa).toBeCloseTo(1 / 6, 12);
    expect(record!.spearman).toBeCloseTo(1 / 6, 12);
    expect(record).not.toHaveProperty('criteria_sha256');
  });
});

describe.skipIf(!HALUEVAL.present)('lunar judge calibrate: the model path', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('asks the judge through its SDK the first time and serves a second run from the cache: no new request, the same figures', async () => {
    const data = halueval(3);
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${fake.url}/v1` };
    const home = join(dir, 'home');
    fake.say({ text: halu('yes') }, { text: halu('no') }, { text: halu('yes') });
    const args = ['--judge', 'openai:gpt-4o-mini', '--data', data, '--concurrency', '1', '--json'];
    const first = JSON.parse((await lunar(home, args, env)).stdout);
    expect(chatCount(fake)).toBe(3);
    const body = fake.requests[0]!.body;
    expect(body.temperature).toBe(0);
    expect(body.messages[1].content).toContain('<query>\nProvide a few examples of homophones.\n</query>');
    // Labels yes yes no against yes no yes: agreement 1/3.
    expect(first).toMatchObject({ n: 3, agreement: 1 / 3, judge_usage: { calls: 3, cached_calls: 0 } });
    const second = JSON.parse((await lunar(home, args, env)).stdout);
    expect(chatCount(fake)).toBe(3);
    expect(second).toMatchObject({ n: 3, agreement: 1 / 3, kappa: first.kappa, judge_usage: { calls: 3, cached_calls: 3 } });
    expect(readCalibrations(join(home, 'calibrations.jsonl'))).toHaveLength(2);
  });

  it('does not record a calibration the judge could not be asked for (its key refused), and exits 1 saying so', async () => {
    const data = halueval(2);
    fake.fault({ kind: 'status', status: 401 });
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${fake.url}/v1` };
    const out = await lunar(join(dir, 'home'), ['--judge', 'openai:gpt-4o-mini', '--data', data, '--concurrency', '1'], env);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/^lunar: 2 of 2 rows could not be put to the judge \(judge openai:gpt-4o-mini could not be asked \(auth\)/);
    // The breaker: the second row fails at once, without a request.
    expect(chatCount(fake)).toBe(1);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('not recorded');
    expect(readCalibrations(join(dir, 'home', 'calibrations.jsonl'))).toEqual([]);
  });
});

describe.skipIf(!LLMBAR.present)('lunar judge calibrate: bad input', () => {
  it('refuses a --kind the file does not hold, a row that does not fit (file, line, field), and a judge that cannot judge', async () => {
    const data = llmbar([3, 4]);
    await expect(lunar(dir, ['--judge', 'scripted:x', '--data', data, '--kind', 'hallucination'])).rejects.toThrow(
      new InputError(`${data}: --kind hallucination, but the file is a JSON array (LLMBar pairwise); give --kind pairwise or another file`),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[\n  {"input": "a", "output_1": "b", "output_2": "c", "label": 1},\n  {"input": "a", "output_1": "b", "output_2": "c", "label": 3}\n]\n');
    await expect(lunar(dir, ['--judge', 'scripted:x', '--data', bad])).rejects.toThrow(/bad\.json:3: \[1\]\.label: /);
    const badLine = join(dir, 'bad.jsonl');
    writeFileSync(badLine, '{"ID": "2", "user_query": "q", "chatgpt_response": "r", "hallucination": "maybe"}\n');
    await expect(lunar(dir, ['--judge', 'scripted:x', '--data', badLine])).rejects.toThrow(/bad\.jsonl:1: hallucination: /);
    await expect(lunar(dir, ['--judge', 'baseline', '--data', data])).rejects.toThrow(/^--judge baseline: judge baseline: the baseline is a non-LLM policy/);
    await expect(lunar(dir, ['--judge', 'openai:gpt-4o-mini', '--data', data], {})).rejects.toThrow(/OPENAI_API_KEY is not set/);
  });
});

function hash(name: string): string {
  return judgePromptHashes().find((h) => h.name === name)!.sha256;
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
