import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRows, LOCK } from '../reports/test-fixtures.ts';
import { InputError } from '../core/errors.ts';
import { registerReportCommand } from './report.ts';
import { ResultsStore } from '../runners/store.ts';

const RUN = '20260101-120000-abcdef';

/** A home whose store holds the fixture run twice over (suites qa and qa2): 32 failures, 96 others. */
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-report-cmd-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  store.startRun(RUN, { lock: LOCK }, new Date('2026-01-01T12:00:00Z'));
  for (const row of [...fixtureRows(RUN), ...fixtureRows(RUN).map((r) => ({ ...r, suite: 'qa2' }))]) store.add(row);
  store.finishRun(RUN, 'completed');
  store.close();
  return dir;
}

async function report(homeDir: string, args: string[]): Promise<string> {
  let out = '';
  const program = new Command('lunar').exitOverride();
  registerReportCommand(program, () => homeDir, { stdout: (text) => void (out += text) });
  await program.parseAsync(['node', 'lunar', 'report', ...args]);
  return out;
}

function embedded(html: string): number {
  const json = /<script type="application\/json" id="lunar-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  return (JSON.parse(json) as { traceData: unknown[] }).traceData.length;
}

describe('lunar report', () => {
  it("writes a stored run's four files into <home>/runs/<run-id>/", async () => {
    const dir = home();
    const out = await report(dir, [RUN]);
    const runDir = join(dir, 'runs', RUN);
    expect(out).toBe(`run ${RUN}: results.json, report.html, junit.xml, summary.md written to ${runDir}\n`);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ schema: 'lunar.results', version: 1, run: { id: RUN, status: 'completed' } });
    expect(results.attempts).toHaveLength(128);
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toContain('tests="128" failures="24" errors="8" skipped="16"');
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toContain('**qa2**');
    // By default: the 32 failures' traces and 50 of the 96 others.
    expect(embedded(readFileSync(join(runDir, 'report.html'), 'utf8'))).toBe(82);
  });

  it('writes into --out, and embeds every trace with --all-traces', async () => {
    const dir = home();
    const outDir = join(dir, 'elsewhere');
    await report(dir, [RUN, '--out', outDir, '--all-traces']);
    expect(embedded(readFileSync(join(outDir, 'report.html'), 'utf8'))).toBe(128);
    expect(existsSync(join(outDir, 'results.json'))).toBe(true);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('refuses an unknown run id as bad input (exit 2), naming the latest runs', async () => {
    const error = await report(home(), ['nope']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`^report: no run nope in .*results\\.db; the latest are ${RUN}$`));
  });

  it('refuses a home without a results store, and does not create one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-report-empty-'));
    await expect(report(dir, [RUN])).rejects.toThrow(/^report: no results store at .*results\.db; run `lunar bench` first/);
    expect(existsSync(join(dir, 'results.db'))).toBe(false);
  });
});
