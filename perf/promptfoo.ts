// Lunar against promptfoo, side by side on the same generated cases, each tool a whole child
// process (`node bin/lunar.js bench ...` and `node <promptfoo entry> eval ...`) timed from spawn to
// exit, with its peak resident memory and CPU time (GNU /usr/bin/time -v; without it, peak memory
// from /proc/<pid>/status VmHWM sampled until exit and no CPU time):
//  startup: each tool printing its version.
//  (a) instant: N cases (default 10,000), one containment check each, on a target that answers
//      at once: promptfoo's `echo` provider (-j 16 --no-cache) vs Lunar's `scripted` target (each
//      case's script answers with its prompt, as echo does; -c 16 --cache off); results stored
//      by both (promptfoo's database, Lunar's results.db) and written as JSON by both.
//  (b) http: M cases (default 1,000) against a loopback OpenAI-compatible server in this process
//      that answers each chat completion after 100 ms, at concurrency 50 (ideal: M / 50 × 0.1 s).
//  (c) cache: the (a) cases through that server, once to fill each tool's cache (the server
//      answering at once), then again from the cache (a miss would cost 100 ms; the server counts
//      the requests that reach it). Only when `lunar bench` has --cache: see CACHE HOOK below.
// Each figure is the median of `rounds` runs of each tool, alternating. Both tools read their own
// output file afterwards to check every case ran and passed.
// promptfoo is an optional peer (interop/peers.ts), installed on first use into .lunar/peers/.
// It runs with telemetry, update checks, sharing and remote generation off and HOME /
// PROMPTFOO_CONFIG_DIR in the temp folder, so it writes nowhere else; every child has a time
// limit and is killed with its process group when it passes it, so nothing can hang on a network
// that is not there. Not a test: nothing asserts.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePeer, PEER_VERSIONS } from '../interop/peers.ts';
import { PACKAGE_ROOT } from '../core/package.ts';
import { promptfooEnv } from '../interop/promptfoo/env.ts';
import { memoryTimer, runChild } from './promptfoo/child-timing.ts';
import { paired, report, type VersusFigure } from './promptfoo/figures.ts';
import { openaiLaneLines, writeFixture } from './promptfoo/fixtures.ts';
import { counted, slowChatServer } from './promptfoo/loopback-server.ts';
import { profileLunar, type Hotspot } from './promptfoo/profile.ts';
import { freshBundle, LUNAR_BIN, lunarEnv, runLunar, runPromptfoo, type LunarRun, type PromptfooRun } from './promptfoo/tools.ts';

export interface VersusOptions {
  /** Cases for the instant and cache figures (default 10,000). */
  cases?: number;
  /** Cases for the HTTP figure (default 1,000). */
  httpCases?: number;
  /** The loopback server's delay before each answer (default 100 ms). */
  httpDelayMs?: number;
  /** Concurrency for the HTTP and cache figures (default 50). */
  httpConcurrency?: number;
  /** Concurrency for the instant figure (promptfoo -j, Lunar --concurrency; default 16). */
  jobs?: number;
  /** Profile Lunar's instant run with --cpu-prof: 'auto' (when it misses its goal; default), 'always', 'never'. */
  profile?: 'auto' | 'always' | 'never';
  /** Per-child time limit (default 300 s). */
  timeoutMs?: number;
  /** Keep the temp folder (configs, outputs, profiles) and say where it is. */
  keep?: boolean;
  /** promptfoo version (default the pinned one). */
  promptfooVersion?: string;
  /** Runs of each tool per figure, alternating; the figure is the median (default 1). */
  rounds?: number;
}

export interface VersusReport {
  figures: VersusFigure[];
  /** Lunar's instant run under --cpu-prof: self time by function, then by file. */
  hotspots?: Hotspot[];
  hotFiles?: Hotspot[];
  dir?: string;
}

/** The goal from the issue: promptfoo took 12.2 s and 773 MB for the instant figure. */
export const INSTANT_GOAL = { wallMs: 1200, peakRssMb: 150 };

// CACHE HOOK: the model-call cache (agent/providers/cache.ts, <home>/cache.db). When `lunar bench
// --help` lists --cache, the cache figure runs Lunar with LUNAR_CACHE_ARGS twice on one home (the
// first run fills the cache, the second is measured), and the instant and HTTP figures run with
// LUNAR_NO_CACHE_ARGS, as promptfoo runs them with --no-cache. Without the flag the cache figure is
// skipped and Lunar runs with its defaults. Change these if the flag changes.
export const LUNAR_CACHE_FLAG = '--cache';
export const LUNAR_CACHE_ARGS = ['--cache', 'on'];
export const LUNAR_NO_CACHE_ARGS = ['--cache', 'off'];

export async function perfVersusPromptfoo(log: (line: string) => void, options: VersusOptions = {}): Promise<VersusReport> {
  const cases = options.cases ?? 10_000;
  const httpCases = options.httpCases ?? 1_000;
  const delayMs = options.httpDelayMs ?? 100;
  const httpConcurrency = options.httpConcurrency ?? 50;
  const jobs = options.jobs ?? 16;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const version = options.promptfooVersion ?? PEER_VERSIONS.promptfoo;

  log(`promptfoo@${version}: checking .lunar/peers/ (the first use installs it, ~1.3 GB, a few minutes)`);
  const promptfoo = await ensurePeer('promptfoo', version, undefined, { log: (line) => (/ERR!|error/i.test(line) ? log(`  npm: ${line}`) : undefined) });
  const dir = mkdtempSync(join(tmpdir(), 'lunar-vs-promptfoo-'));
  const timer = memoryTimer();
  const rounds = options.rounds ?? 1;
  log(
    `peak memory from ${timer.kind === 'time' ? '/usr/bin/time -v' : '/proc/<pid>/status VmHWM'}; ${rounds} round(s) per figure, median; ` +
      `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}; files in ${dir}`,
  );
  const server = await slowChatServer(delayMs);
  const figures: VersusFigure[] = [];
  let hotspots: Hotspot[] | undefined;
  let hotFiles: Hotspot[] | undefined;
  try {
    // Untimed: builds Lunar's bundle if a source changed and fills the OS file cache for both
    // tools' code.
    const help = await runChild(timer, process.execPath, [LUNAR_BIN, 'bench', '--help'], { cwd: PACKAGE_ROOT, env: lunarEnv(dir), timeoutMs });
    await runChild(timer, process.execPath, [promptfoo, '--version'], { cwd: dir, env: promptfooEnv(join(dir, 'promptfoo-warmup'), false), timeoutMs });
    const hasCache = help.stdout.includes(LUNAR_CACHE_FLAG);
    const noCache = hasCache ? LUNAR_NO_CACHE_ARGS : [];

    // Startup alone: each tool printing its version.
    const startup = await paired(rounds, {
      name: 'startup (--version)',
      promptfoo: () => runChild(timer, process.execPath, [promptfoo, '--version'], { cwd: dir, env: promptfooEnv(join(dir, 'promptfoo-startup'), false), timeoutMs }),
      lunar: async () => {
        await freshBundle(timer, dir, timeoutMs);
        return runChild(timer, process.execPath, [LUNAR_BIN, '--version'], { cwd: PACKAGE_ROOT, env: lunarEnv(dir), timeoutMs });
      },
    });
    figures.push(startup);
    report(log, startup);

    // (a) instant target.
    const instant = writeFixture(dir, 'instant', cases);
    const lunarInstant: LunarRun = { target: 'scripted', concurrency: jobs, timeoutMs, extraArgs: noCache };
    const a = await paired(rounds, {
      name: `instant target, ${cases} cases, 1 containment check each (promptfoo echo -j ${jobs} --no-cache; lunar scripted -c ${jobs}${noCache.length ? ` ${noCache.join(' ')}` : ''})`,
      promptfoo: () => runPromptfoo(timer, promptfoo, dir, instant, { provider: 'echo', jobs, cache: false, timeoutMs }),
      lunar: () => runLunar(timer, dir, instant, lunarInstant),
    });
    figures.push(a);
    report(log, a, INSTANT_GOAL);

    const profile = options.profile ?? 'auto';
    if (profile === 'always' || (profile === 'auto' && (a.lunar.wallMs > INSTANT_GOAL.wallMs || (a.lunar.peakRssMb ?? 0) > INSTANT_GOAL.peakRssMb))) {
      const profiled = await profileLunar(timer, dir, instant, lunarInstant);
      if (profiled) {
        ({ hotspots, hotFiles } = profiled);
        log(`Lunar instant run under node --cpu-prof (${(profiled.totalMs / 1000).toFixed(2)} s profiled), top self time by function:`);
        for (const h of hotspots) log(`  ${h.selfMs.toFixed(0).padStart(6)} ms ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.what}`);
        log('by file (package for node_modules):');
        for (const h of hotFiles) log(`  ${h.selfMs.toFixed(0).padStart(6)} ms ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.what}`);
      } else log('profile: node --cpu-prof wrote no profile');
    }

    // (b) a loopback server answering after delayMs.
    const lane = openaiLaneLines(dir, httpConcurrency);
    if (lane) log(`HTTP and cache suites: limits: { openai: { concurrency: ${httpConcurrency} } } (the openai lane's default is lower)`);
    const http = writeFixture(dir, 'http', httpCases, lane);
    const b = await paired(rounds, {
      name: `HTTP target answering after ${delayMs} ms, ${httpCases} cases at concurrency ${httpConcurrency} (ideal ${(Math.ceil(httpCases / httpConcurrency) * delayMs / 1000).toFixed(1)} s)`,
      promptfoo: () => counted(server, () => runPromptfoo(timer, promptfoo, dir, http, { provider: 'openai', baseUrl: server.url, jobs: httpConcurrency, cache: false, timeoutMs })),
      lunar: () => counted(server, () => runLunar(timer, dir, http, { target: 'openai', baseUrl: server.url, concurrency: httpConcurrency, timeoutMs, extraArgs: noCache })),
    });
    figures.push(b);
    report(log, b);

    // (c) cache.
    if (!hasCache) {
      log(`cache: skipped: \`lunar bench --help\` has no ${LUNAR_CACHE_FLAG} flag (the hook is LUNAR_CACHE_ARGS in perf/promptfoo.ts)`);
    } else {
      const cached = writeFixture(dir, 'cache', cases, lane);
      const pfHome = join(dir, 'promptfoo-cache-home');
      const lunarHome = join(dir, 'lunar-cache-home');
      const pfOptions: PromptfooRun = { provider: 'openai', baseUrl: server.url, jobs: httpConcurrency, cache: true, timeoutMs, home: pfHome };
      const lunarOptions: LunarRun = { target: 'openai', baseUrl: server.url, concurrency: httpConcurrency, timeoutMs, home: lunarHome, extraArgs: LUNAR_CACHE_ARGS };
      // Filling runs: the server answers at once, so they take seconds, not minutes.
      server.delayMs = 0;
      const fill = await paired(1, {
        name: `filling both caches: ${cases} cases through the loopback server answering at once`,
        promptfoo: () => counted(server, () => runPromptfoo(timer, promptfoo, dir, cached, pfOptions)),
        lunar: () => counted(server, () => runLunar(timer, dir, cached, lunarOptions)),
      });
      report(log, fill);
      // Measured runs: a miss now costs delayMs, and `requests` shows how many reached the server.
      server.delayMs = delayMs;
      const c = await paired(rounds, {
        name: `the same ${cases} cases again from each tool's cache (a miss goes to the ${delayMs} ms server)`,
        promptfoo: () => counted(server, () => runPromptfoo(timer, promptfoo, dir, cached, pfOptions)),
        lunar: () => counted(server, () => runLunar(timer, dir, cached, lunarOptions)),
      });
      figures.push(c);
      report(log, c);
    }
  } finally {
    await server.close();
    if (options.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return { figures, hotspots, hotFiles, dir: options.keep ? dir : undefined };
}
