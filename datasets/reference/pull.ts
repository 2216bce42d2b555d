// `lunar data pull <set>`: a reference data set's upstream files, fetched from the source
// repository at the pinned commit (<base>/<owner>/<repo>/<commit>/<path>, raw.githubusercontent.com
// unless told otherwise), each checked against the manifest's sha256, into <home>/data/<set>/.
// Every file is fetched into a staging folder beside the set and checked before any is moved into
// place, so a bad or failed download writes nothing; each move is a rename, so a reader sees the
// old file or the new one, never part of one. Derived files (made by the project, not upstream)
// are not fetched from anywhere: the result names them, to be said to the user.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { isUpstream, REFERENCE_SETS, type DerivedFile, type ReferenceSet, type ReferenceSetName, type UpstreamFile } from './manifest.ts';

export const DEFAULT_DATA_URL = 'https://raw.githubusercontent.com';

/** The source could not be read (network, HTTP status): exit 1, as a run that failed. A wrong sha256 is bad input instead. */
export class PullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullError';
  }
}

export interface PullOptions {
  /** Where the repositories are served, laid out as raw.githubusercontent.com: <base>/<owner>/<repo>/<commit>/<path>. */
  baseUrl: string;
  /** `<home>/data`: the set goes into its `<set>/` folder. */
  dataRoot: string;
  log: (line: string) => void;
  /** Per file (default 2 minutes). */
  timeoutMs?: number;
}

export interface PullResult {
  dir: string;
  /** Fetched and checked now. */
  fetched: number;
  /** Already there with the right sha256: not fetched again. */
  kept: number;
  bytes: number;
  /** Not pulled: made by the project, so no upstream serves them. */
  derived: DerivedFile[];
}

export function upstreamUrl(baseUrl: string, set: ReferenceSet, file: UpstreamFile): string {
  const path = file.upstream.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${set.source.repo}/${set.source.commit}/${path}`;
}

export async function pullReferenceSet(name: ReferenceSetName, options: PullOptions): Promise<PullResult> {
  const set: ReferenceSet = REFERENCE_SETS[name];
  const dir = join(options.dataRoot, name);
  const staging = join(options.dataRoot, `.${name}.pulling-${process.pid}`);
  const upstream = set.files.filter(isUpstream);
  const derived = set.files.filter((f): f is DerivedFile => !isUpstream(f));
  const result: PullResult = { dir, fetched: 0, kept: 0, bytes: 0, derived };
  options.log(`${name}: ${upstream.length} upstream file(s) from ${set.source.repo}@${set.source.commit.slice(0, 7)} (${options.baseUrl})`);
  const staged: string[] = [];
  try {
    for (const file of upstream) {
      if (sha256OfFile(join(dir, file.path)) === file.sha256) {
        result.kept++;
        continue;
      }
      const url = upstreamUrl(options.baseUrl, set, file);
      const bytes = await download(url, options.timeoutMs ?? 120_000);
      const got = sha256(bytes);
      if (got !== file.sha256) throw new InputError(`${name}/${file.path}: ${url} gave sha256 ${got}, the manifest says ${file.sha256}; nothing written`);
      mkdirSync(dirname(join(staging, file.path)), { recursive: true });
      writeFileSync(join(staging, file.path), bytes);
      staged.push(file.path);
      result.fetched++;
      result.bytes += bytes.length;
    }
    for (const path of staged) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      renameSync(join(staging, path), join(dir, path));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return result;
}

async function download(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PullError(`${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (!response.ok) throw new PullError(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** undefined when the file is not there (or not readable): it is fetched again. */
function sha256OfFile(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}
