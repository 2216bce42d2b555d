// Optional peers: tools Lunar compares itself with (promptfoo) but never depends on. Each is
// installed on demand, at a pinned version, into its own folder under <project>/.lunar/peers/, with
// a private package.json, so it never touches the project's node_modules or package-lock.json.
// A marker file written last says the install finished; a folder without it is installed again.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/package.ts';

export type PeerName = 'promptfoo';

/** The pinned versions: promptfoo 0.121.9 is the last release that runs on Node 20. */
export const PEER_VERSIONS: Record<PeerName, string> = { promptfoo: '0.121.9' };

export const DEFAULT_PEERS_ROOT = join(PACKAGE_ROOT, '.lunar', 'peers');

/** Written last, after npm succeeded and the CLI entry was found. */
export const PEER_MARKER = '.lunar-peer-complete.json';

export class PeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerError';
  }
}

export interface EnsurePeerOptions {
  /** Where npm's output goes while installing (default: discarded, its tail is kept for the error). */
  log?: (line: string) => void;
  /** The npm command (default `npm`; tests pass a stand-in). */
  npm?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for another process installing the same peer (default 20 minutes). */
  lockWaitMs?: number;
}

/** The folder a peer version lives in. */
export function peerDir(name: PeerName, version: string, root = DEFAULT_PEERS_ROOT): string {
  return join(root, `${name}-${version}`);
}

/**
 * Installs `name@version` into `<root>/<name>-<version>/` unless a complete install is there, and
 * returns the absolute path of its CLI entry (from its package.json `bin`). Throws a PeerError with
 * one line saying what failed.
 */
export async function ensurePeer(name: PeerName, version = PEER_VERSIONS[name], root = DEFAULT_PEERS_ROOT, options: EnsurePeerOptions = {}): Promise<string> {
  const dir = peerDir(name, version, root);
  const done = completeInstall(dir, version);
  if (done) return done;

  mkdirSync(root, { recursive: true });
  const release = await takeInstallLock(`${dir}.installing`, options.lockWaitMs ?? 20 * 60_000, `${name}@${version}`);
  try {
    // Another process may have finished it while this one waited.
    const finished = completeInstall(dir, version);
    if (finished) return finished;
    // Half-finished (or stale) install: start from a clean folder.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: `lunar-peer-${name}`, version: '0.0.0', private: true, description: `${name}@${version}, installed by Lunar for comparisons` }, null, 2)}\n`,
    );
    const started = performance.now();
    await runNpm(options.npm ?? 'npm', ['install', '--no-audit', '--no-fund', '--omit=dev', `${name}@${version}`], dir, options, `${name}@${version}`);

    const entry = binEntry(dir, name);
    if (!existsSync(join(dir, entry))) throw new PeerError(`${name}@${version}: installed, but its CLI ${entry} is missing in ${dir}`);
    // Last: the marker says everything before it finished.
    writeFileSync(join(dir, PEER_MARKER), `${JSON.stringify({ name, version, entry, installedAt: new Date().toISOString(), installMs: Math.round(performance.now() - started) }, null, 2)}\n`);
    return join(dir, entry);
  } finally {
    release();
  }
}

/** The CLI entry of a finished install of this version in `dir`, else undefined. */
function completeInstall(dir: string, version: string): string | undefined {
  try {
    const recorded = JSON.parse(readFileSync(join(dir, PEER_MARKER), 'utf8')) as { entry?: string; version?: string };
    if (recorded.version === version && recorded.entry && existsSync(join(dir, recorded.entry))) return join(dir, recorded.entry);
  } catch {
    // No marker, or an unreadable one: not finished.
  }
  return undefined;
}

/**
 * One install at a time per peer folder: a lock file holding the installer's pid, created
 * exclusively. A lock whose process is gone is taken over; a live one is waited for.
 */
async function takeInstallLock(lock: string, waitMs: number, what: string): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new PeerError(`${what}: cannot create ${lock} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const holder = Number(readFileSafe(lock));
    if (!holder || !alive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new PeerError(`${what}: another install (pid ${holder}) still holds ${lock}; wait for it, or remove the file if that process is not npm`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The relative path (from the peer folder) of a package's CLI, read from its package.json `bin`. */
export function binEntry(dir: string, name: string): string {
  const pkgFile = join(dir, 'node_modules', name, 'package.json');
  let pkg: { bin?: string | Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  } catch (error) {
    throw new PeerError(`${name}: cannot read ${pkgFile} after install (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[name] ?? Object.values(pkg.bin ?? {})[0];
  if (!bin) throw new PeerError(`${name}: its package.json names no bin`);
  return join('node_modules', name, bin);
}

function runNpm(npm: string, args: string[], cwd: string, options: EnsurePeerOptions, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        options.log?.(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    const child = spawn(npm, args, { cwd, env: { ...(options.env ?? process.env), npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new PeerError(`${what}: cannot run ${npm} (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      reject(new PeerError(`${what}: npm install failed (${signal ?? `exit ${code}`}) in ${cwd}: ${npmReason(tail)}`));
    });
  });
}

/** npm's own explanation from the end of its output: the first `npm error` line that says what happened, with its code. */
export function npmReason(lines: readonly string[]): string {
  const errors = lines.map((l) => /^npm (?:ERR!|error)\s*(.*)$/.exec(l.trim())?.[1]?.trim()).filter((l): l is string => !!l);
  const code = errors.map((l) => /^code (\S+)/.exec(l)?.[1]).find(Boolean);
  const said = errors.find((l) => !/^(code|syscall|errno|path|dest)\b/.test(l) && !/complete log of this run/i.test(l));
  if (said) return code && !said.includes(code) ? `${said} (${code})` : said;
  if (code) return code;
  return lines.filter((l) => l.trim()).at(-1)?.trim() ?? 'no output';
}
