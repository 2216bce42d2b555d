// How each tool's child process is measured in the comparison with promptfoo: wall time from spawn
// to exit, with peak resident memory and CPU time from GNU /usr/bin/time -v where it works, else
// peak memory from /proc/<pid>/status VmHWM sampled until exit and no CPU time. The whole process is
// timed, not something inside it, so each tool pays its own startup and neither is measured by the
// other's clock; each child gets its own process group so that a time limit ends it and anything it
// started, and nothing can hang on a network that is not there.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { killGroupAfter } from '../../interop/promptfoo/process-group.ts';

/** What one child process took. */
export interface ChildFigure {
  wallMs: number;
  peakRssMb: number | null;
  /** User + system CPU time (from /usr/bin/time; null without it): steadier than wall time on a busy machine. */
  cpuMs: number | null;
  exitCode: number | null;
  timedOut: boolean;
  /** Cases that passed / that were scored, read from the tool's own output file. */
  passed?: number;
  scored?: number;
  /** Requests that reached the loopback server during this run (HTTP and cache figures). */
  requests?: number;
  stderrTail: string;
  /** Every round, when there were several. */
  rounds?: { wallMs: number; peakRssMb: number | null; cpuMs: number | null }[];
}

export interface MemoryTimer {
  kind: 'time' | 'proc';
}

export function memoryTimer(): MemoryTimer {
  if (existsSync('/usr/bin/time')) {
    const probe = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' });
    if (probe.status === 0 && /Maximum resident set size/.test(probe.stderr)) return { kind: 'time' };
  }
  return { kind: 'proc' };
}

interface ChildRun extends ChildFigure {
  stdout: string;
}

export function runChild(timer: MemoryTimer, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ChildRun> {
  const [file, argv] = timer.kind === 'time' ? ['/usr/bin/time', ['-v', command, ...args]] : [command, args];
  return new Promise((resolvePromise) => {
    const started = performance.now();
    // Its own process group, so a time limit can end it and anything it started.
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = keepTail(stdout + c.toString('utf8'))));
    child.stderr.on('data', (c: Buffer) => (stderr = keepTail(stderr + c.toString('utf8'))));
    let hwmKb = 0;
    const sampler =
      timer.kind === 'proc'
        ? setInterval(() => {
            try {
              const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
              hwmKb = Math.max(hwmKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
            } catch {
              // Gone: the last sample stands.
            }
          }, 10)
        : undefined;
    const limit = killGroupAfter(child, options.timeoutMs);
    const finish = (code: number | null) => {
      const wallMs = performance.now() - started;
      limit.clear();
      if (sampler) clearInterval(sampler);
      let peakRssMb: number | null = hwmKb ? hwmKb / 1024 : null;
      let cpuMs: number | null = null;
      let exitCode = code;
      if (timer.kind === 'time') {
        const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (kb) peakRssMb = Number(kb[1]) / 1024;
        const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
        const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
        if (user && system) cpuMs = (Number(user[1]) + Number(system[1])) * 1000;
        const status = /Command exited with non-zero status (\d+)/.exec(stderr);
        exitCode = status ? Number(status[1]) : code;
        stderr = stderr.replace(/\s*Command being timed:[\s\S]*$/, '');
      }
      resolvePromise({ wallMs, peakRssMb, cpuMs, exitCode, timedOut: limit.timedOut, stdout, stderrTail: stderr.split('\n').filter(Boolean).slice(-5).join('\n') });
    };
    child.on('error', () => finish(null));
    child.on('close', (code) => finish(code));
  });
}

function keepTail(text: string, max = 200_000): string {
  return text.length > max ? text.slice(-max) : text;
}
