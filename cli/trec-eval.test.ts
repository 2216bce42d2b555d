// `lunar trec-eval` through commander: trec_eval's flags, its stdout, and its exit codes.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from './exit.ts';
import { registerTrecEval } from './trec-eval.ts';
import { referenceData } from '../test/reference-data.ts';

// The tests that read trec_eval's files skip without them; the others need none.
const TREC_EVAL = referenceData('trec_eval');
const path = (name: string): string => TREC_EVAL.file(name);
const golden = (name: string): string => readFileSync(path(name), 'latin1');
const STANDARD = ['-m', 'ndcg_cut.5,10,20', '-m', 'recip_rank', '-m', 'map', '-m', 'map_cut.10', '-m', 'P.1,5,10', '-m', 'recall.5,10,100', '-m', 'success.1,5,10'];

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function trecEval(args: string[], files: Record<string, string> = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const program = new Command('lunar').exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerTrecEval(program, {
    readText: (p) => (p in files ? files[p] : readFileSync(p, 'latin1')),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  try {
    await program.parseAsync(['trec-eval', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { stdout, stderr, exitCode: error.exitCode };
  }
  return { stdout, stderr, exitCode: exitCodeOf(program) };
}

describe('lunar trec-eval', () => {
  it.skipIf(!TREC_EVAL.present)('-q -c with repeated -m prints golden.q.c.txt byte for byte', async () => {
    const out = await trecEval(['-q', '-c', ...STANDARD, path('qrels.test'), path('results.test')]);
    expect(out).toEqual({ stdout: golden('golden.q.c.txt'), stderr: '', exitCode: 0 });
  });

  it.skipIf(!TREC_EVAL.present)('-M 10 (MRR@10 is its recip_rank), with the measures in another order', async () => {
    const reordered = [...STANDARD.slice(8), ...STANDARD.slice(0, 8)];
    const out = await trecEval(['-q', '-c', '-M', '10', ...reordered, path('qrels.test'), path('results.test')]);
    expect(out.stdout).toBe(golden('golden.q.c.M10.txt'));
    expect(out.stdout).toContain('recip_rank            \tall\t0.3889\n');
  });

  it.skipIf(!TREC_EVAL.present)('combined and attached flags as getopt takes them: -qc -M10 -mnum_q', async () => {
    const counts = await trecEval(['-qc', '-mnum_q', '-m', 'num_ret', '-m', 'num_rel', '-m', 'num_rel_ret', path('qrels.test'), path('results.test')]);
    expect(counts.stdout).toBe(golden('golden.q.c.counts.txt'));
    const cut = await trecEval(['-qc', '-M10', ...STANDARD, path('qrels.test'), path('results.test')]);
    expect(cut.stdout).toBe(golden('golden.q.c.M10.txt'));
  });

  it.skipIf(!TREC_EVAL.present)('without -c: queries missing from the run do not count', async () => {
    const args = ['-q', '-m', 'num_q', '-m', 'num_ret', '-m', 'num_rel', '-m', 'num_rel_ret', ...STANDARD];
    expect((await trecEval([...args, path('tiny/qrels'), path('tiny/run')])).stdout).toBe(golden('tiny/golden.q.txt'));
    expect((await trecEval(['-c', ...args, path('tiny/qrels'), path('tiny/run')])).stdout).toBe(golden('tiny/golden.q.c.txt'));
  });

  it.skipIf(!TREC_EVAL.present)('without -q only the all block is printed', async () => {
    const out = await trecEval(['-c', ...STANDARD, path('qrels.test'), path('results.test')]);
    expect(out.stdout).toBe(golden('golden.q.c.txt').split('\n').filter((l) => l.includes('\tall\t')).map((l) => `${l}\n`).join(''));
  });

  it.skipIf(!TREC_EVAL.present)('-l 2: rel 2 is the least that counts as relevant', async () => {
    const out = await trecEval(['-q', '-l', '2', '-m', 'map', '-m', 'num_rel', path('tiny/qrels'), path('tiny/run')]);
    expect(out.stdout.split('\n').slice(0, 2)).toEqual(['num_rel               \tq1\t1', 'map                   \tq1\t0.3333']);
  });

  it.skipIf(!TREC_EVAL.present)('a duplicate docno: exit 4, one line on stderr naming file, line and docno, nothing on stdout', async () => {
    const out = await trecEval(['-q', '-c', ...STANDARD, path('tiny/qrels'), path('tiny/run.dup')]);
    expect(out.exitCode).toBe(4);
    expect(out.stdout).toBe(golden('tiny/golden.dup.stdout.txt'));
    expect(out.stderr).toBe(`lunar trec-eval: ${path('tiny/run.dup')}:2: duplicate docno 'd1' for query 'q1' (also line 1)\n`);
  });

  it.skipIf(!TREC_EVAL.present)('a malformed run line: exit 2, nothing on stdout', async () => {
    const out = await trecEval(['-m', 'map', path('tiny/qrels'), 'bad.run'], { 'bad.run': 'q1 Q0 d1 1 1.0 r\nq1 Q0 d2 2\n' });
    expect(out).toEqual({ stdout: '', stderr: expect.stringMatching(/^lunar trec-eval: bad\.run:2: malformed run line/), exitCode: 2 });
  });

  it.skipIf(!TREC_EVAL.present)('an unreadable file: exit 2', async () => {
    const out = await trecEval(['-m', 'map', path('tiny/qrels'), path('tiny/no-such-run')]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/cannot read run file .*ENOENT/);
  });

  it('an unsupported measure, or none: exit 1 before reading files', async () => {
    const bad = await trecEval(['-m', 'bpref', 'nope.qrels', 'nope.run']);
    expect([bad.exitCode, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toMatch(/unsupported measure 'bpref'/);
    expect((await trecEval(['nope.qrels', 'nope.run'])).exitCode).toBe(1);
  });

  it('no query in both files: exit 7', async () => {
    const out = await trecEval(['-m', 'map', 'q', 'r'], { q: '1 0 a 1\n', r: '01 Q0 a 1 1 x\n' });
    expect([out.exitCode, out.stdout]).toEqual([7, '']);
  });

  it('rejects a negative or non-integer -M', async () => {
    expect((await trecEval(['-M', 'ten', '-m', 'map', 'q', 'r'])).exitCode).not.toBe(0);
    expect((await trecEval(['-M', '-1', '-m', 'map', 'q', 'r'])).exitCode).not.toBe(0);
  });

  it('documents every option in --help', async () => {
    const out = await trecEval(['--help']);
    for (const flag of ['-q', '-c', '-M <n>', '-l <level>', '-m <measure>']) {
      expect(out.stdout).toMatch(new RegExp(`^  ${flag.replace(/[<>]/g, '.')}\\s+\\S`, 'm'));
    }
  });
});
