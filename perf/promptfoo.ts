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
// promptfoo is an optional peer (runners/peers.ts), installed on first use into .lunar/peers/.
// It runs with telemetry, update checks, sharing and remote generation off and HOME /
// PROMPTFOO_CONFIG_DIR in the temp folder, so it writes nowhere else; every child has a time
// limit and is killed with its process group when it passes it, so nothing can hang on a network
// that is not there. Not a test: nothing asserts.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensurePeer, PEER_VERSIONS } from '../interop/peers.ts';
import { PACKAGE_ROOT } from '../core/package.ts';
import { baseEnv, promptfooEnv } from '../interop/promptfoo/env.ts';
import { killGroupAfter } from '../interop/promptfoo/process-group.ts';
import { loadSuite } from '../runners/suite.ts';

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

export interface VersusFigure {
  name: string;
  promptfoo: ChildFigure;
  lunar: ChildFigure;
}

export interface VersusReport {
  figures: VersusFigure[];
  /** Lunar's instant run under --cpu-prof: self time by function, then by file. */
  hotspots?: Hotspot[];
  hotFiles?: Hotspot[];
  dir?: string;
}

export interface Hotspot {
  selfMs: number;
  share: number;
  what: string;
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
      log(`cache: skipped: \`lunar bench --help\` has no ${LUNAR_CACHE_FLAG} flag (the hook is LUNAR_CACHE_ARGS in runners/perf-promptfoo.ts)`);
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

/** Runs each tool `rounds` times, alternating; the figure is the median round (by wall time) of each. */
async function paired(rounds: number, spec: { name: string; promptfoo: () => Promise<ChildFigure>; lunar: () => Promise<ChildFigure> }): Promise<VersusFigure> {
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

const LUNAR_BIN = join(PACKAGE_ROOT, 'bin', 'lunar.js');

// ---------------------------------------------------------------------------------------------
// Fixtures: the same words, prompts and checks for both tools.

interface Fixture {
  name: string;
  cases: number;
  /** Lunar suite file (dataset beside it). */
  suite: string;
  /** promptfoo test file (JSONL), referenced from each generated promptfooconfig. */
  tests: string;
  dir: string;
}

/** The word case i must contain: unique per case, so a reply for the wrong case fails. */
function word(i: number): string {
  return `tok${i.toString(36)}x${((i * 2654435761) >>> 0).toString(36)}`;
}

function prompt(i: number): string {
  return `Please repeat this word back: ${word(i)}`;
}

/**
 * The suite lines that lift Lunar's openai lane to the run's concurrency (a local server has no
 * quota; hosted lanes default to 8 calls in flight), when this Lunar's suites take a `limits:` block.
 */
function openaiLaneLines(root: string, concurrency: number): string {
  const lines = `limits:\n  openai:\n    concurrency: ${concurrency}\n`;
  const probe = join(root, 'limits-probe');
  mkdirSync(probe, { recursive: true });
  writeFileSync(join(probe, 'cases.jsonl'), `${JSON.stringify({ id: 'c0', input: 'x', category: 'probe', expected_contains: 'x' })}\n`);
  writeFileSync(join(probe, 'suite.yaml'), `name: probe\ndataset: cases.jsonl\nscorers: [answer_contains]\n${lines}`);
  try {
    loadSuite(join(probe, 'suite.yaml'));
    return lines;
  } catch {
    return '';
  }
}

function writeFixture(root: string, name: string, cases: number, suiteLines = ''): Fixture {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const lunarLines: string[] = [];
  const promptfooLines: string[] = [];
  for (let i = 0; i < cases; i++) {
    const w = word(i);
    // `script` makes the scripted target answer with the prompt itself, as promptfoo's echo does;
    // the openai target ignores it.
    lunarLines.push(JSON.stringify({ id: `c${i}`, input: prompt(i), category: 'echo', expected_contains: w, script: [{ text: prompt(i) }] }));
    promptfooLines.push(JSON.stringify({ vars: { word: w }, assert: [{ type: 'contains', value: w }] }));
  }
  writeFileSync(join(dir, 'cases.jsonl'), `${lunarLines.join('\n')}\n`);
  writeFileSync(join(dir, 'tests.jsonl'), `${promptfooLines.join('\n')}\n`);
  const suite = join(dir, 'suite.yaml');
  writeFileSync(suite, `name: versus-${name}\ndescription: generated by runners/perf-promptfoo.ts\ndataset: cases.jsonl\nscorers: [answer_contains]\n${suiteLines}`);
  return { name, cases, suite, tests: join(dir, 'tests.jsonl'), dir };
}

// ---------------------------------------------------------------------------------------------
// The two tools.

interface PromptfooRun {
  provider: 'echo' | 'openai';
  baseUrl?: string;
  jobs: number;
  cache: boolean;
  timeoutMs: number;
  /** Its HOME / config dir (default a fresh one per run). */
  home?: string;
}

async function runPromptfoo(timer: MemoryTimer, entry: string, root: string, fixture: Fixture, run: PromptfooRun): Promise<ChildFigure> {
  const tag = `${fixture.name}-${run.provider}-${Math.random().toString(36).slice(2, 8)}`;
  const home = run.home ?? join(root, `promptfoo-home-${tag}`);
  const provider =
    run.provider === 'echo'
      ? `  - echo\n`
      : `  - id: openai:chat:fake-model\n    config:\n      apiBaseUrl: ${run.baseUrl}/v1\n      apiKey: sk-fake-loopback\n      temperature: 0\n`;
  const config = join(fixture.dir, `promptfooconfig-${tag}.yaml`);
  writeFileSync(
    config,
    `description: generated by runners/perf-promptfoo.ts\nprompts:\n  - "Please repeat this word back: {{word}}"\nproviders:\n${provider}tests: file://${fixture.tests}\n`,
  );
  const output = join(fixture.dir, `promptfoo-${tag}.json`);
  const args = [entry, 'eval', '-c', config, '-j', String(run.jobs), '--no-table', '--no-progress-bar', '-o', output];
  if (!run.cache) args.push('--no-cache');
  const env = promptfooEnv(home, run.cache);
  const figure = await runChild(timer, process.execPath, args, { cwd: fixture.dir, env, timeoutMs: run.timeoutMs });
  Object.assign(figure, promptfooOutcome(output));
  return figure;
}

/** successes / total from promptfoo's -o JSON (results.stats in 0.121). */
function promptfooOutcome(output: string): Pick<ChildFigure, 'passed' | 'scored'> {
  try {
    const json = JSON.parse(readFileSync(output, 'utf8'));
    const stats = json?.results?.stats ?? json?.stats;
    if (!stats) return {};
    return { passed: Number(stats.successes ?? 0), scored: Number(stats.successes ?? 0) + Number(stats.failures ?? 0) + Number(stats.errors ?? 0) };
  } catch {
    return {};
  }
}

interface LunarRun {
  target: 'scripted' | 'openai';
  baseUrl?: string;
  concurrency: number;
  timeoutMs: number;
  home?: string;
  extraArgs?: string[];
  nodeArgs?: string[];
}

function lunarArgs(root: string, fixture: Fixture, run: LunarRun): { args: string[]; env: NodeJS.ProcessEnv; out: string } {
  const tag = `${fixture.name}-${run.target}-${Math.random().toString(36).slice(2, 8)}`;
  const home = run.home ?? join(root, `lunar-home-${tag}`);
  const out = join(home, 'out', tag);
  const target = run.target === 'scripted' ? 'scripted' : 'openai:fake-model';
  const args = [...(run.nodeArgs ?? []), LUNAR_BIN, 'bench', fixture.suite, '--home', home, '-o', out, '-t', target, '-c', String(run.concurrency), ...(run.extraArgs ?? [])];
  const env = lunarEnv(root);
  if (run.baseUrl) env.OPENAI_BASE_URL = `${run.baseUrl}/v1`;
  return { args, env, out };
}

/**
 * bin/lunar.js rebuilds its bundle (dist/lunar.mjs) when a source is newer; sources change while
 * others work, so an untimed start first keeps a rebuild out of the timed run.
 */
async function freshBundle(timer: MemoryTimer, root: string, timeoutMs: number): Promise<void> {
  await runChild(timer, process.execPath, [LUNAR_BIN, '--version'], { cwd: PACKAGE_ROOT, env: lunarEnv(root), timeoutMs });
}

async function runLunar(timer: MemoryTimer, root: string, fixture: Fixture, run: LunarRun): Promise<ChildFigure> {
  await freshBundle(timer, root, run.timeoutMs);
  const { args, env, out } = lunarArgs(root, fixture, run);
  const figure = await runChild(timer, process.execPath, args, { cwd: PACKAGE_ROOT, env, timeoutMs: run.timeoutMs });
  Object.assign(figure, lunarOutcome(join(out, 'results.json')));
  return figure;
}

function lunarEnv(root: string): NodeJS.ProcessEnv {
  const env = baseEnv();
  env.LUNAR_HOME = join(root, 'lunar-default-home');
  return env;
}

function lunarOutcome(resultsJson: string): Pick<ChildFigure, 'passed' | 'scored'> {
  try {
    const json = JSON.parse(readFileSync(resultsJson, 'utf8')) as { attempts: { scores: { pass: boolean | null }[] }[] };
    return { passed: json.attempts.filter((a) => a.scores[0]?.pass === true).length, scored: json.attempts.length };
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes: wall time from spawn to exit, peak RSS.

interface MemoryTimer {
  kind: 'time' | 'proc';
}

function memoryTimer(): MemoryTimer {
  if (existsSync('/usr/bin/time')) {
    const probe = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' });
    if (probe.status === 0 && /Maximum resident set size/.test(probe.stderr)) return { kind: 'time' };
  }
  return { kind: 'proc' };
}

interface ChildRun extends ChildFigure {
  stdout: string;
}

function runChild(timer: MemoryTimer, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ChildRun> {
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

// ---------------------------------------------------------------------------------------------
// The loopback OpenAI-compatible server: POST /v1/chat/completions answers the last user message
// back after `delayMs` (plain JSON, or SSE when asked to stream).

interface SlowServer {
  url: string;
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

async function slowChatServer(delayMs: number): Promise<SlowServer> {
  let n = 0;
  const state: SlowServer = { url: '', delayMs, requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => void answer(req, res));
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !/\/chat\/completions$/.test((req.url ?? '').split('?')[0]!)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route for ${req.method} ${req.url}` } }));
      return;
    }
    state.requests++;
    let body: { model?: string; stream?: boolean; messages?: { role: string; content: unknown }[] } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // Answer anyway.
    }
    const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content;
    const text = typeof last === 'string' ? last : Array.isArray(last) ? last.map((p: { text?: string }) => p.text ?? '').join('') : '';
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    const id = `chatcmpl-${++n}`;
    const model = body.model ?? 'fake-model';
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 };
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: object, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
      res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: text }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`);
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }], usage }));
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.keepAliveTimeout = 30_000;
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

async function counted(server: SlowServer, run: () => Promise<ChildFigure>): Promise<ChildFigure> {
  const before = server.requests;
  const figure = await run();
  figure.requests = server.requests - before;
  return figure;
}

// ---------------------------------------------------------------------------------------------
// Report lines.

function report(log: (line: string) => void, f: VersusFigure, goal?: { wallMs: number; peakRssMb: number }): void {
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

// ---------------------------------------------------------------------------------------------
// Profile: Lunar's instant run under node --cpu-prof, self time summed per function.

async function profileLunar(timer: MemoryTimer, root: string, fixture: Fixture, run: LunarRun): Promise<{ hotspots: Hotspot[]; hotFiles: Hotspot[]; totalMs: number } | undefined> {
  const profDir = join(root, 'cpuprofile');
  mkdirSync(profDir, { recursive: true });
  await freshBundle(timer, root, run.timeoutMs);
  const { args, env } = lunarArgs(root, fixture, { ...run, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  await runChild(timer, process.execPath, args, { cwd: PACKAGE_ROOT, env, timeoutMs: run.timeoutMs });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
  return { hotspots: summariseProfile(profile), hotFiles: summariseProfile(profile, 12, fileOf), totalMs: (profile.endTime - profile.startTime) / 1000 };
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** Self time per function (name, file:line) or per whatever `key` groups frames by, biggest first. */
export function summariseProfile(profile: CpuProfile, top = 15, key: (frame: Frame) => string = describeFrame): Hotspot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const total = profile.endTime - profile.startTime;
  const byWhat = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const what = key(frame);
    byWhat.set(what, (byWhat.get(what) ?? 0) + us);
  }
  return [...byWhat.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, us]) => ({ what, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '').replace(`${PACKAGE_ROOT}/`, '');
  return path.includes('node_modules/') ? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length) : path;
}

/** Where a frame's code came from: through the bundle's source map (dist/lunar.mjs.map) when it has one. */
function sourceOf(frame: Frame): { url: string; line: number } {
  const mapped = frame.url.startsWith('file://') && !frame.url.includes('/node_modules/') ? sourceMap(frame.url)?.(frame.lineNumber, frame.columnNumber ?? 0) : undefined;
  return mapped ?? { url: frame.url, line: frame.lineNumber };
}

function describeFrame(frame: Frame): string {
  const name = clip(frame.functionName || '(anonymous)');
  if (!frame.url) return name;
  const { url, line } = sourceOf(frame);
  return `${name} ${shortUrl(url)}:${line + 1}`;
}

const sourceMaps = new Map<string, ((line: number, column: number) => { url: string; line: number } | undefined) | undefined>();

/** A lookup from generated (line, column) to source file and line, for a file with a `.map` beside it. */
function sourceMap(url: string): ((line: number, column: number) => { url: string; line: number } | undefined) | undefined {
  if (sourceMaps.has(url)) return sourceMaps.get(url);
  let lookup: ((line: number, column: number) => { url: string; line: number } | undefined) | undefined;
  try {
    const file = fileURLToPath(url);
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
    const sources = map.sources.map((source) => pathToFileURL(resolve(dirname(file), map.sourceRoot ?? '', source)).href);
    const lines = decodeMappings(map.mappings);
    lookup = (line, column) => {
      const segments = lines[line];
      if (!segments?.length) return undefined;
      let found: number[] | undefined;
      for (const segment of segments) {
        if (segment[0]! > column) break;
        found = segment;
      }
      found ??= segments[0];
      return found && found.length >= 4 ? { url: sources[found[1]!]!, line: found[2]! } : undefined;
    };
  } catch {
    lookup = undefined;
  }
  sourceMaps.set(url, lookup);
  return lookup;
}

/** Source map v3 mappings: per generated line, segments [column, source, line, column] with the deltas resolved. */
function decodeMappings(mappings: string): number[][][] {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: number[][][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  for (const text of mappings.split(';')) {
    const segments: number[][] = [];
    let generated = 0;
    for (const raw of text.split(',')) {
      if (!raw) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of raw) {
        const digit = chars.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generated += values[0]!;
      if (values.length >= 4) {
        source += values[1]!;
        line += values[2]!;
        column += values[3]!;
        segments.push([generated, source, line, column]);
      } else segments.push([generated]);
    }
    lines.push(segments);
  }
  return lines;
}

/** A frame's file, or its package for node_modules; V8's own entries ((garbage collector), (program)) by name. */
function fileOf(frame: Frame): string {
  if (!frame.url) return clip(frame.functionName || '(native)');
  if (frame.url.startsWith('node:')) return 'node: built-ins';
  const url = sourceOf(frame).url;
  const short = shortUrl(url);
  if (!url.includes('node_modules/')) return short;
  const parts = short.split('/');
  return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
}

function clip(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
