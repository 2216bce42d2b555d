import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../cli/exit.ts';
import { registerCompareCommand } from '../../cli/compare.ts';
import { caseIds, passFail, skippedScore, storeRun, type AttemptSpec } from '../../runners/compare-fixtures.ts';
import { compareStoredRuns, type ComparisonReport } from './compare.ts';
import { InputError } from '../../core/errors.ts';
import { ResultsStore } from '../../runners/store.ts';

// Twenty cases, c01–c10 in category lookup, c11–c20 in math. The base passes c01–c08 (8 of 20);
// the candidate passes c02–c19 (18 of 20). So: both pass c02–c08 (7), only the base c01 (1), only
// the candidate c09–c19 (11), neither c20 (1). Hand-computed:
//   McNemar b = 1, c = 11: p = 2 · (C(12,0) + C(12,1)) / 2^12 = 26/4096 = 0.00634765625
//   differences: eleven +1, one −1, eight 0 → mean +0.5; the ideal bootstrap's 2.5% and 97.5%
//   points are 0.25 and 0.75 (metrics/paired.test.ts works them out by convolution)
//   lookup: A 0.8, B 0.9, +0.1, wins 2 (c09, c10), losses 1 (c01), ties 7
//   math:   A 0.0, B 0.9, +0.9, wins 9 (c11–c19), ties 1 (c20)
// c21 ran only in the base and c22 only in the candidate: unpaired, named, not dropped silently.
const ids = caseIds(20);
const category = (id: string) => (id <= 'c10' ? 'lookup' : 'math');
const basePasses = new Set(caseIds(8));
const candidatePasses = new Set(caseIds(18, 2));

function specs(passes: Set<string>, extra: string): AttemptSpec[] {
  return [...ids, extra].map((caseId) => ({
    caseId,
    category: caseId === extra ? 'math' : category(caseId),
    scores: [passFail('answer_contains', passes.has(caseId)), skippedScore('rubric')],
  }));
}

function storeWithPair(): { store: ResultsStore; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'lunar-compare-'));
  const store = new ResultsStore(join(home, 'results.db'));
  storeRun(store, 'base-run', 'ollama:qwen2.5:7b', specs(basePasses, 'c21'));
  storeRun(store, 'cand-run', 'openai:qwen-ft', specs(candidatePasses, 'c22'), { startedAt: new Date('2026-01-02T00:00:00Z') });
  return { store, home };
}

describe('compareStoredRuns', () => {
  it('finds the known difference: +0.5 with 95% CI [0.25, 0.75] and McNemar p = 26/4096 on 18 of 20 against 8 of 20', () => {
    const { store } = storeWithPair();
    const report = compareStoredRuns(store, 'base-run', 'cand-run');
    store.close();
    expect(report.groups).toHaveLength(1);
    const group = report.groups[0]!;
    expect(group).toMatchObject({ suite: 's', config: 'default', targetA: 'ollama:qwen2.5:7b', targetB: 'openai:qwen-ft', pairs: 20, attemptsA: 21, attemptsB: 21 });
    expect(group.onlyInA).toEqual([{ caseId: 'c21', repeat: 0 }]);
    expect(group.onlyInB).toEqual([{ caseId: 'c22', repeat: 0 }]);
    expect(group.outcome).toMatchObject({ n: 20, bothPass: 7, onlyA: 1, onlyB: 11, neither: 1, passRateA: 0.4, passRateB: 0.9, difference: 0.5, mcnemarP: 26 / 4096 });

    const answer = group.scorers.find((s) => s.scorer === 'answer_contains')!;
    expect(answer.values).toMatchObject({ n: 20, meanA: 0.4, meanB: 0.9, wins: 11, losses: 1, ties: 8 });
    expect(answer.values.difference!.mean).toBe(0.5);
    expect(answer.values.difference!.low).toBeCloseTo(0.25, 12);
    expect(answer.values.difference!.high).toBeCloseTo(0.75, 12);
    expect(answer.passFail.mcnemarP).toBe(0.00634765625);
    const [lookup, math] = answer.categories;
    expect(lookup).toMatchObject({ category: 'lookup', n: 10, meanA: 0.8, meanB: 0.9, wins: 2, losses: 1, ties: 7 });
    expect(lookup!.difference!.mean).toBeCloseTo(0.1, 15);
    expect(math).toMatchObject({ category: 'math', n: 10, meanA: 0, meanB: 0.9, wins: 9, losses: 0, ties: 1 });
    expect(math!.difference!.mean).toBeCloseTo(0.9, 15);

    // A judge that could not run on either side: never compared, counted on both sides.
    const rubric = group.scorers.find((s) => s.scorer === 'rubric')!;
    expect(rubric.values.n).toBe(0);
    expect(rubric.passFail).toMatchObject({ n: 0, mcnemarP: 1 });
    expect(rubric.notCompared).toEqual({ skippedA: 20, skippedB: 20, errorA: 0, errorB: 0, missingA: 0, missingB: 0 });
  });

  it('finds no difference between identical runs: 0 with a zero-width interval, p = 1, all ties', () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-compare-'));
    const store = new ResultsStore(join(home, 'results.db'));
    storeRun(store, 'one', 'baseline', specs(basePasses, 'c21'));
    storeRun(store, 'two', 'baseline', specs(basePasses, 'c21'), { startedAt: new Date('2026-01-02T00:00:00Z') });
    const report = compareStoredRuns(store, 'one', 'two');
    store.close();
    const answer = report.groups[0]!.scorers.find((s) => s.scorer === 'answer_contains')!;
    expect(answer.values).toMatchObject({ n: 21, meanA: 8 / 21, meanB: 8 / 21, wins: 0, losses: 0, ties: 21 });
    expect(answer.values.difference).toMatchObject({ mean: 0, low: 0, high: 0 });
    expect(answer.passFail).toMatchObject({ onlyA: 0, onlyB: 0, mcnemarP: 1, difference: 0 });
    expect(report.groups[0]!.onlyInA).toEqual([]);
  });

  it('counts an attempt that errored as a failure of every scorer the other side has, and keeps it out of the mean', () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-compare-'));
    const store = new ResultsStore(join(home, 'results.db'));
    storeRun(store, 'a', 'baseline', [{ caseId: 'x', scores: [passFail('answer_contains', true)] }, { caseId: 'y', scores: [passFail('answer_contains', true)] }]);
    storeRun(store, 'b', 'scripted', [{ caseId: 'x', error: 'openai: cannot reach http://127.0.0.1:9' }, { caseId: 'y', scores: [passFail('answer_contains', true)] }]);
    const answer = compareStoredRuns(store, 'a', 'b').groups[0]!.scorers[0]!;
    store.close();
    expect(answer.values).toMatchObject({ n: 1, ties: 1 });
    expect(answer.passFail).toMatchObject({ n: 2, bothPass: 1, onlyA: 1, onlyB: 0 });
    expect(answer.notCompared.errorB).toBe(1);
  });

  it('pairs same-named targets when each run has several, and leaves the rest as named unpaired groups', () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-compare-'));
    const store = new ResultsStore(join(home, 'results.db'));
    const one = [{ caseId: 'x', scores: [passFail('answer_contains', true)] }];
    storeRun(store, 'a', 'baseline', one);
    storeRun(store, 'b', 'baseline', one);
    // A second target in each run, under the same run ids.
    for (const [run, target] of [['a', 'openai:gpt-4o-mini'], ['b', 'openai:ft-1']] as const) {
      store.add({ runId: run, suite: 's', config: 'default', caseId: 'x', category: 'general', target, repeat: 0, status: 'ok', trace: { ...emptyTrace(), target }, scores: [passFail('answer_contains', false)] });
    }
    store.flush();
    const report = compareStoredRuns(store, 'a', 'b');
    expect(report.groups.map((g) => `${g.targetA}→${g.targetB}`)).toEqual(['baseline→baseline']);
    expect(report.unpairedGroups).toEqual([
      { side: 'A', suite: 's', config: 'default', target: 'openai:gpt-4o-mini', attempts: 1 },
      { side: 'B', suite: 's', config: 'default', target: 'openai:ft-1', attempts: 1 },
    ]);
    const picked = compareStoredRuns(store, 'a', 'b', { targetA: 'openai:gpt-4o-mini', targetB: 'openai:ft-1' });
    expect(picked.groups.map((g) => `${g.targetA}→${g.targetB}`)).toEqual(['openai:gpt-4o-mini→openai:ft-1']);
    expect(() => compareStoredRuns(store, 'a', 'b', { targetA: 'groq:nope' })).toThrow(/run a \(A\): no attempts of target groq:nope; targets in it: baseline, openai:gpt-4o-mini/);
    expect(() => compareStoredRuns(store, 'a', 'missing')).toThrow(InputError);
    storeRun(store, 'other', 'baseline', [{ caseId: 'x', suite: 'elsewhere', scores: [passFail('answer_contains', true)] }]);
    expect(() => compareStoredRuns(store, 'a', 'other', { targetA: 'baseline' })).toThrow(
      'nothing to compare: runs a and other share no suite and configuration with a target to pair (elsewhere/default/baseline (other), s/default/baseline (a)); pick targets with --target-a/--target-b',
    );
    store.close();
  });
});

describe('lunar compare', () => {
  async function run(home: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const out = { stdout: '', stderr: '' };
    const program = new Command('lunar').exitOverride();
    registerCompareCommand(program, () => home, { output: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) } });
    await program.parseAsync(['node', 'lunar', 'compare', ...args]);
    return { ...out, exitCode: exitCodeOf(program) };
  }

  it('compares the two targets of one run given twice: the first it ran as the base, the known difference of the pair', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-compare-'));
    const store = new ResultsStore(join(home, 'results.db'));
    storeRun(store, 'both', 'baseline', specs(basePasses, 'c21'));
    for (const spec of specs(candidatePasses, 'c22')) {
      store.add({ runId: 'both', suite: 's', config: 'default', caseId: spec.caseId, category: spec.category!, target: 'openai:ft-1', repeat: 0, status: 'ok', trace: { ...emptyTrace(), target: 'openai:ft-1' }, scores: spec.scores! });
    }
    store.flush();
    const report = compareStoredRuns(store, 'both', 'both');
    expect([report.a.targets, report.b.targets]).toEqual([['baseline'], ['openai:ft-1']]);
    expect(report.groups[0]!.outcome).toMatchObject({ passRateA: 8 / 20, passRateB: 18 / 20, onlyA: 1, onlyB: 11, mcnemarP: 26 / 4096 });
    expect(compareStoredRuns(store, 'both', 'both', { targetB: 'baseline' }).groups.map((g) => `${g.targetA}→${g.targetB}`)).toEqual(['openai:ft-1→baseline']);
    expect(() => compareStoredRuns(store, 'both', 'both', { targetA: 'baseline', targetB: 'baseline' })).toThrow('compare: run both against itself with --target-a and --target-b both baseline: name two different targets');
    storeRun(store, 'one', 'baseline', specs(basePasses, 'c21'));
    expect(() => compareStoredRuns(store, 'one', 'one')).toThrow('compare: run one against itself compares two of its targets, and it has only target baseline: compare it with another run');
    store.close();
    const { stdout, exitCode } = await run(home, ['both', 'both']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('A (base):      run both (completed), baseline\nB (candidate): run both (completed), openai:ft-1');
    expect(stdout).toContain('s  default  baseline → openai:ft-1  20 pairs (A 21, B 21 attempts)');
  });

  it('prints each scorer with n, wins/losses/ties, means, the difference and its interval, and McNemar p; names the unpaired cases', async () => {
    const { store, home } = storeWithPair();
    store.close();
    const { stdout } = await run(home, ['base-run', 'cand-run']);
    const lines = stdout.split('\n');
    expect(lines).toContain('s  default  ollama:qwen2.5:7b → openai:qwen-ft  20 pairs (A 21, B 21 attempts)');
    expect(lines).toContain('  pass rate: A 40.0%  B 90.0%  diff +50.0 pts [+25.0, +75.0]  (both 7, only A 1, only B 11, neither 1; p = 0.006348)');
    expect(lines).toContain('  answer_contains  20  11/1/8   0.400   0.900  +0.500  [+0.250, +0.750]   40.0%   90.0%  0.006348');
    // Ideal bootstrap points (convolution, as in metrics/paired.test.ts): lookup {−1: 1, 0: 7, +1: 2}
    // has P(≤ −0.3) = 0.018 < 0.025 ≤ P(≤ −0.2) = 0.067 and P(≤ 0.3) = 0.931 < 0.975 ≤ P(≤ 0.4) = 0.981;
    // math is 10 × Bernoulli(0.9): P(≤ 0.6) = 0.013 < 0.025 ≤ P(≤ 0.7) = 0.070, and 1.0 on top.
    expect(lines).toContain('    answer_contains  lookup    10  2/1/7   0.800   0.900  +0.100  [-0.200, +0.400]');
    expect(lines).toContain('    answer_contains  math      10  9/0/1   0.000   0.900  +0.900  [+0.700, +1.000]');
    expect(lines).toContain('  rubric: not compared: 20 skipped in A, 20 skipped in B');
    expect(lines).toContain('  only in A (1): c21');
    expect(lines).toContain('  only in B (1): c22');
    const path = join(home, 'runs', 'compare-base-run-cand-run', 'comparison.json');
    expect(lines).toContain(`comparison written to ${path}`);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as ComparisonReport;
    expect(saved).toMatchObject({ schema: 'lunar.comparison', version: 1, a: { id: 'base-run' }, b: { id: 'cand-run' } });
  });

  it('writes comparison.html beside comparison.json: the verdicts and both answers of every pair, inert', async () => {
    const { store, home } = storeWithPair();
    store.close();
    const { stdout } = await run(home, ['base-run', 'cand-run']);
    const path = join(home, 'runs', 'compare-base-run-cand-run', 'comparison.html');
    expect(stdout.split('\n')).toContain(`HTML report: ${path}`);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<tr class="measure" data-measure="answer_contains"><td><strong>answer_contains</strong></td><td><span class="verdict v-better">candidate better</span></td><td>20</td><td>11 / 1 / 8</td>');
    const data = JSON.parse(/<script type="application\/json" id="lunar-compare-data">([^<]*)<\/script>/.exec(html)![1]!) as { rows: { id: string; answers: string[] }[] };
    // 20 pairs; c21 and c22 have no partner.
    expect(data.rows.map((r) => r.id)).toEqual(ids);
    expect(data.rows[0]!.answers).toEqual(['ollama:qwen2.5:7b answers c01', 'openai:qwen-ft answers c01']);
  });

  it('prints the same report as JSON with --json', async () => {
    const { store, home } = storeWithPair();
    store.close();
    const { stdout } = await run(home, ['base-run', 'cand-run', '--json']);
    const report = JSON.parse(stdout) as ComparisonReport;
    expect(report.groups[0]!.outcome.mcnemarP).toBe(26 / 4096);
    expect(report.method.interval).toEqual({ kind: 'paired bootstrap, percentile', level: 0.95, resamples: 10_000, seed: 0 });
  });

  it('runs the suite on --base and --candidate through lunar bench, then compares the two runs', async () => {
    // Four questions whose answer is 42. The baseline policy has no tool that fits them and says it
    // cannot answer (0 of 4); the scripted candidate answers "42" (4 of 4). McNemar b = 0, c = 4:
    // p = 2 · C(4,0) / 2^4 = 0.125; every difference is +1, so the interval is [+1, +1].
    const root = mkdtempSync(join(tmpdir(), 'lunar-compare-bench-'));
    const cases = ['meaning', 'answer', 'number', 'reply'].map((id) => JSON.stringify({ id, category: 'trivia', input: `Tell me the ${id} of everything`, expected_contains: '42' }));
    writeFileSync(join(root, 'cases.jsonl'), `${cases.join('\n')}\n`);
    writeFileSync(join(root, 'script.json'), JSON.stringify([{ text: 'It is 42.' }]));
    writeFileSync(join(root, 'trivia.yaml'), 'name: trivia\ndataset: cases.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
    const home = join(root, '.lunar');
    const { stdout, exitCode } = await run(home, ['--base', 'baseline', '--candidate', `scripted:${join(root, 'script.json')}`, join(root, 'trivia.yaml'), '--json']);
    const report = JSON.parse(stdout) as ComparisonReport;
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ suite: 'trivia', targetA: 'baseline', targetB: `scripted:${join(root, 'script.json')}`, pairs: 4 });
    const answer = report.groups[0]!.scorers[0]!;
    expect(answer.values).toMatchObject({ n: 4, meanA: 0, meanB: 1, wins: 4, losses: 0, ties: 0, difference: { mean: 1, low: 1, high: 1 } });
    expect(answer.passFail).toMatchObject({ onlyA: 0, onlyB: 4, mcnemarP: 0.125 });
    expect(exitCode).toBe(0);
  });

  it('adds a pairwise judge\'s preference with --judge: B preferred in both orders wins; a verdict that follows the position is a tie', async () => {
    const { store, home } = storeWithPair();
    store.close();
    const verdict = (v: string) => ({ text: JSON.stringify({ reasoning: `answer ${v} is better`, verdict: v }) });
    // Asked with A first the judge says "2" (B), with B first "1" (B again): a consistent win for B.
    const consistent = join(home, 'prefers-b.json');
    writeFileSync(consistent, JSON.stringify([verdict('2'), verdict('1')]));
    const { stdout } = await run(home, ['base-run', 'cand-run', '--judge', `scripted:${consistent}`]);
    // 20 pairs (c21 and c22 have no partner), all to B: sign test p = 2 · 2^-20 = 1.9073486328125e-6.
    expect(stdout.split('\n')).toContain(
      `  judge scripted:${consistent}: B preferred on 20, A on 0, ties 0 of 20 pairs judged; B's preference rate 100.0% (ties as half), sign test p = 1.91e-6; judging cost $0.0000`,
    );
    const report = JSON.parse(readFileSync(join(home, 'runs', 'compare-base-run-cand-run', 'comparison.json'), 'utf8')) as ComparisonReport;
    expect(report.groups[0]!.preference).toMatchObject({ asked: 20, judged: 20, winsB: 20, preferenceB: 1, signTestP: 2 ** -19, usage: { calls: 40 } });

    // "1" in both orders: the first-shown answer each time, so a position flip on every pair.
    const positional = join(home, 'prefers-first.json');
    writeFileSync(positional, JSON.stringify([verdict('1'), verdict('1')]));
    const { stdout: json } = await run(home, ['base-run', 'cand-run', '--judge', `scripted:${positional}`, '--json']);
    expect((JSON.parse(json) as ComparisonReport).groups[0]!.preference).toMatchObject({ judged: 20, winsA: 0, winsB: 0, ties: 20, flips: 20, preferenceB: 0.5, signTestP: 1 });
  });

  it('refuses one run id, and --base without --candidate, as bad input', async () => {
    const { store, home } = storeWithPair();
    store.close();
    await expect(run(home, ['base-run'])).rejects.toThrow(/give two run ids/);
    await expect(run(home, ['--base', 'baseline'])).rejects.toThrow(/--base and --candidate go together/);
    await expect(run(home, ['--base', 'baseline', '--candidate', 'baseline'])).rejects.toThrow(InputError);
  });
});

function emptyTrace() {
  return { target: '', messages: [], modelCalls: [], toolCalls: [], retrieved: [], citations: [], finalAnswer: 'a', stopReason: 'final' as const, usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 1, costUsd: 0 };
}
