// The figures of the comparison with promptfoo, from rounds of child runs to printed lines. The
// machine is noisy, so each tool runs `rounds` times, alternating with the other, and the figure is
// its median round; a failed round is the one shown, so that a median that passed cannot hide a
// failure.

import type { ChildFigure } from './child-timing.ts';

export interface VersusFigure {
  name: string;
  promptfoo: ChildFigure;
  lunar: ChildFigure;
}

/** Runs each tool `rounds` times, alternating; the figure is the median round (by wall time) of each. */
export async function paired(rounds: number, spec: { name: string; promptfoo: () => Promise<ChildFigure>; lunar: () => Promise<ChildFigure> }): Promise<VersusFigure> {
  const pf: ChildFigure[] = [];
  const lunar: ChildFigure[] = [];
  for (let round = 0; round < rounds; round++) {
    pf.push(await spec.promptfoo());
    lunar.push(await spec.lunar());
  }
  return { name: spec.name, promptfoo: median(pf), lunar: median(lunar) };
}

function median(runs: ChildFigure[]): ChildFigure {
  const byWall = [...runs].sort((x, y) => x.wallMs - y.wallMs);
  const mid = byWall[Math.floor((byWall.length - 1) / 2)]!;
  const rss = runs.map((r) => r.peakRssMb).filter((m): m is number => m !== null).sort((x, y) => x - y);
  const middle = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null).sort((x, y) => x - y);
    return known.length ? known[Math.floor((known.length - 1) / 2)]! : null;
  };
  const failed = runs.find((r) => r.timedOut || r.exitCode !== 0);
  const { stdout: _stdout, ...shown } = (failed ?? mid) as ChildFigure & { stdout?: string };
  return {
    ...shown,
    wallMs: mid.wallMs,
    peakRssMb: rss.length ? rss[Math.floor((rss.length - 1) / 2)]! : null,
    cpuMs: middle(runs.map((r) => r.cpuMs)),
    ...(runs.length > 1 ? { rounds: runs.map((r) => ({ wallMs: r.wallMs, peakRssMb: r.peakRssMb, cpuMs: r.cpuMs })) } : {}),
  };
}

export function report(log: (line: string) => void, f: VersusFigure, goal?: { wallMs: number; peakRssMb: number }): void {
  log(`${f.name}:`);
  for (const [tool, c] of [
    ['promptfoo', f.promptfoo],
    ['lunar', f.lunar],
  ] as const) {
    const outcome = c.scored !== undefined ? `, ${c.passed}/${c.scored} passed` : ', no results read';
    const requests = c.requests !== undefined ? `, ${c.requests} server requests` : '';
    const failed = c.timedOut ? ' TIMED OUT' : c.exitCode !== 0 ? ` exit ${c.exitCode}` : '';
    const cpu = c.cpuMs === null ? '' : `  (cpu ${(c.cpuMs / 1000).toFixed(2)} s)`;
    const spread = c.rounds ? `  [rounds: ${c.rounds.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')} s]` : '';
    log(`  ${tool.padEnd(9)} ${(c.wallMs / 1000).toFixed(2).padStart(7)} s  ${c.peakRssMb === null ? '     ?' : c.peakRssMb.toFixed(0).padStart(6)} MB peak${cpu}${outcome}${requests}${failed}${spread}`);
    if ((c.timedOut || c.exitCode !== 0) && c.stderrTail) for (const line of c.stderrTail.split('\n')) log(`      ${tool} stderr: ${line}`);
  }
  const memory = f.promptfoo.peakRssMb && f.lunar.peakRssMb ? `, memory ${(f.promptfoo.peakRssMb / f.lunar.peakRssMb).toFixed(1)}×` : '';
  const cpu = f.promptfoo.cpuMs && f.lunar.cpuMs ? `, cpu ${(f.promptfoo.cpuMs / f.lunar.cpuMs).toFixed(1)}×` : '';
  log(`  promptfoo / lunar: time ${(f.promptfoo.wallMs / f.lunar.wallMs).toFixed(1)}×${memory}${cpu}`);
  if (goal) {
    // A run that failed, or did not pass every case, has met no goal however fast it was.
    const ran = f.lunar.exitCode === 0 && !f.lunar.timedOut && f.lunar.scored !== undefined && f.lunar.passed === f.lunar.scored;
    const ok = ran && f.lunar.wallMs <= goal.wallMs && (f.lunar.peakRssMb ?? Infinity) <= goal.peakRssMb;
    log(`  goal (lunar under ${goal.wallMs / 1000} s and ${goal.peakRssMb} MB): ${ok ? 'met' : ran ? 'MISSED' : 'not measured: the run failed'}`);
  }
}
