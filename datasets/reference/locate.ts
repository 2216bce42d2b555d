// Where a reference data set is. The one resolver every suite, command and test goes through:
// ../shared/data/<name> beside the project when that folder is there (the project's own copy,
// complete), else <home>/data/<name> (what `lunar data pull` wrote), else missing. Suites name
// reference files as `data:<set>/<file>` and get them from here.

import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { lunarHome } from '../../core/home.ts';
import { PACKAGE_ROOT } from '../../core/package.ts';
import { REFERENCE_SET_NAMES, REFERENCE_SETS, type ReferenceFile, type ReferenceSetName } from './manifest.ts';

/** The project's copy of the reference data, beside the checkout. */
export const SHARED_DATA_ROOT = join(PACKAGE_ROOT, '..', 'shared', 'data');

/** The two places a set may be: the shared copy, and the home's `data/` folder. */
export interface DataRoots {
  shared: string;
  home: string;
}

export function dataRoots(env: NodeJS.ProcessEnv = process.env): DataRoots {
  return { shared: SHARED_DATA_ROOT, home: join(lunarHome(env), 'data') };
}

export type DataPlace = 'shared' | 'home' | 'missing';

export interface LocatedSet {
  name: ReferenceSetName;
  /** Its folder; when missing, where the shared copy would be (for messages). */
  path: string;
  where: DataPlace;
}

export function locateReferenceSet(name: ReferenceSetName, roots: DataRoots = dataRoots()): LocatedSet {
  const shared = join(roots.shared, name);
  if (isDirectory(shared)) return { name, path: shared, where: 'shared' };
  const home = join(roots.home, name);
  if (isDirectory(home)) return { name, path: home, where: 'home' };
  return { name, path: shared, where: 'missing' };
}

/** The set's files (manifest paths) that its folder does not hold. */
export function missingFiles(set: LocatedSet, paths: readonly string[] = REFERENCE_SETS[set.name].files.map((f) => f.path)): string[] {
  return set.where === 'missing' ? [...paths] : paths.filter((path) => !existsSync(join(set.path, path)));
}

/** `tau-bench` and `tau_bench` are one set: the folder's name has an underscore, people type a hyphen. */
export function referenceSetNamed(name: string): ReferenceSetName | undefined {
  const folder = name.replaceAll('-', '_');
  return (REFERENCE_SET_NAMES as string[]).includes(folder) ? (folder as ReferenceSetName) : undefined;
}

export function manifestFile(name: ReferenceSetName, path: string): ReferenceFile | undefined {
  return REFERENCE_SETS[name].files.find((f) => f.path === path);
}

/** The prefix a suite uses for a reference file: `data:bfcl/BFCL_v4_multiple.json`. */
export const DATA_PREFIX = 'data:';

/**
 * The absolute path of a suite's `data:<set>/<file>`, wherever the set is; a set not in the
 * manifest is bad input. A missing file resolves to where the shared copy would hold it, so the
 * usual "not there" message names ../shared/data.
 */
export function referenceFilePath(spec: string, roots: DataRoots = dataRoots()): string {
  const [set, ...rest] = spec.slice(DATA_PREFIX.length).split('/');
  const name = referenceSetNamed(set ?? '');
  if (!name || rest.length === 0) throw new InputError(`${spec}: not a reference file (data:<set>/<file>, sets: ${REFERENCE_SET_NAMES.join(', ')})`);
  return join(locateReferenceSet(name, roots).path, ...rest);
}

/** The set and the file a path is, if it lies in either place a set may be: so a message can say how to get it. */
export function referenceFileOf(path: string, roots: DataRoots = dataRoots()): { name: ReferenceSetName; file: string } | undefined {
  for (const root of [roots.shared, roots.home]) {
    const [folder, ...rest] = relative(root, path).split(sep);
    const name = referenceSetNamed(folder ?? '');
    if (name && folder === name && rest.length) return { name, file: rest.join('/') };
  }
  return undefined;
}

/** A path as a user in the checkout reads it: ../shared/data/bfcl, .lunar/data/bfcl. */
export function shownPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd === '' ? '.' : fromCwd.startsWith(`..${sep}..${sep}`) ? path : fromCwd;
}

/** One line on how to get what is missing: `lunar data pull` for upstream files; derived ones come only with a copy. */
export function howToGet(name: ReferenceSetName, missing: readonly string[]): string {
  const derived = missing.filter((path) => {
    const file = manifestFile(name, path);
    return file !== undefined && 'derived' in file;
  });
  const pull = `lunar data pull ${name}`;
  if (derived.length === 0) return pull;
  const what = derived.length === 1 ? `${derived[0]} is derived by the project and comes` : `${derived.length} of its files are derived by the project and come`;
  return `${derived.length < missing.length ? `${pull}; ` : ''}${what} only with ../shared/data`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
