import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../runners/store.ts';
import { storeHistoryRuns } from '../reports/history-fixtures.ts';
import { exitCodeOf } from './exit.ts';
import { registerGateCommand } from './gate.ts';
import { registerHistoryCommand } from './history.ts';
import type { HistoryRow } from '../reports/history.ts';

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-history-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  storeHistoryRuns(store);
  store.close();
  return dir;
}

async function lunar(dir: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out = { stdout: '', stderr: '' };
  const output = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
  const program = new Command('lunar').exitOverride();
  registerGateCommand(program, () => dir, output);
  registerHistoryCommand(program, () => dir, output);
  await program.parseAsync(['node', 'lunar', ...args]);
  return { ...out, exitCode: exitCodeOf(program) };
}

describe('lunar history', () => {
  it('marks the run a gate failed: lunar gate records its verdict on the run', async () => {
    const dir = home();
    // old passes 8 of 10 (holds), new 5 of 10 (fails).
    expect((await lunar(dir, ['gate', 'old', '--threshold', 'pass_rate >= 0.7'])).exitCode).toBe(0);
    expect((await lunar(dir, ['gate', 'new', '--threshold', 'pass_rate >= 0.7'])).exitCode).toBe(1);
    const json = await lunar(dir, ['history', '--json']);
    const rows = JSON.parse(json.stdout) as HistoryRow[];
    expect(rows.map((r) => [r.runId, r.gate, r.gateFailures.length])).toEqual([
      ['old', 'held', 0],
      ['new', 'failed', 1],
      ['new-t', null, 0],
    ]);
    expect(rows[1]!.gateFailures[0]).toContain('pass_rate');
    const table = (await lunar(dir, ['history', '--suite', 's'])).stdout.trimEnd().split('\n');
    expect(table).toHaveLength(3);
    expect(table[1]).toMatch(/^old .* held$/);
    expect(table[2]).toMatch(/^new .*50\.0% \(5\/10\) +\[23\.7–76\.3%\].* FAILED$/);
  });

  it('filters by target, and names the choices when a suite or target is in no run', async () => {
    const dir = home();
    const rows = JSON.parse((await lunar(dir, ['history', '--target', 'other', '--json'])).stdout) as HistoryRow[];
    expect(rows.map((r) => r.runId)).toEqual(['new-t']);
    await expect(lunar(dir, ['history', '--suite', 'nope'])).rejects.toThrow('--suite nope: no stored run has it (suites: s, t)');
    await expect(lunar(dir, ['history', '--target', 'nope'])).rejects.toThrow('--target nope: no stored run has it (targets: baseline, other)');
  });

  it('says when there is no results store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-history-empty-'));
    await expect(lunar(dir, ['history'])).rejects.toThrow('no results store here');
  });
});
