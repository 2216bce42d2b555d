// The one place that decides whether a path the model asked for may be touched. Every file tool
// goes through resolveInWorkspace and then works only on the real path it returns, so a path the
// model writes can never reach outside the workspace, whatever `..`, symlinks or odd characters
// it contains.
//
// Policy, in the order it is applied:
//  - Only relative paths, with "/" as the separator. Absolute paths are refused even when they
//    point inside the root: the model should never need to know where the workspace lives, and
//    one accepted spelling keeps traces comparable across machines. The error suggests the
//    relative spelling when the absolute path happens to be inside.
//  - Backslashes and "C:"-style drive prefixes are refused outright rather than treated as
//    literal filename characters: on Linux they would be harmless names, but they are almost
//    always an attempt at a Windows path, and refusing them keeps the rule platform-independent.
//  - NUL bytes are refused (the OS would truncate or reject them anyway).
//  - `..` is applied to the text first (like a URL); if that climbs above the root, refused.
//  - The remaining path is resolved component by component against the real root, following
//    symlinks the way the OS would; if the real destination is outside the root, refused. Parts
//    of the path that do not exist yet are taken literally, so a new file under a symlink that
//    leads outside is refused too. Symlinks that stay inside are fine.
// Nothing is percent-decoded: "%2e%2e" is an ordinary (probably missing) name.

import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Whole-file reads larger than this are refused; the model is told to ask for a line range. */
export const MAX_READ_BYTES = 128 * 1024;

/** A path the model may not use. The message is written for the model to correct its call. */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}

// A symlink target is OS text: on Linux a backslash in it is part of a name.
const SEPARATORS = path.sep === '\\' ? /[\\/]/ : /\//;

// Linux's own limit on symlinks followed while resolving one path.
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `requested` (relative to `root`) to a real absolute path inside the real root, or
 * throws a WorkspaceError. The path need not exist; callers report "not found" themselves.
 */
export async function resolveInWorkspace(root: string, requested: string): Promise<string> {
  const relative = checkSpelling(root, requested);
  const realRoot = await fs.realpath(root);
  if (relative === '.') return realRoot;
  const real = await resolveReal(realRoot, relative.split('/'), requested);
  if (!isInside(realRoot, real)) {
    throw new WorkspaceError(`path "${requested}" leads outside the workspace through a symbolic link`);
  }
  return real;
}

/** Refuses what can be judged from the text alone; returns the normalized relative path. */
function checkSpelling(root: string, requested: string): string {
  if (typeof requested !== 'string') throw new WorkspaceError('path must be a string');
  if (requested.includes('\0')) throw new WorkspaceError(`path ${JSON.stringify(requested)} contains a NUL byte`);
  if (requested.includes('\\')) {
    throw new WorkspaceError(`path "${requested}" contains a backslash; use "/" to separate folders in a relative path`);
  }
  if (/^[A-Za-z]:/.test(requested)) {
    throw new WorkspaceError(`path "${requested}" looks like a Windows drive path; give a path relative to the workspace`);
  }
  if (path.posix.isAbsolute(requested)) throw new WorkspaceError(absoluteMessage(root, requested));
  const normalized = path.posix.normalize(requested === '' ? '.' : requested).replace(/\/+$/, '') || '.';
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new WorkspaceError(`path "${requested}" is outside the workspace`);
  }
  return normalized;
}

function absoluteMessage(root: string, requested: string): string {
  const base = `path "${requested}" is absolute; give a path relative to the workspace root`;
  const relative = path.relative(path.resolve(root), requested);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? `${base}, such as "${relative.split(path.sep).join('/')}"` : base;
}

/**
 * Walks `parts` from `realRoot` like the kernel does, following each symlink it meets. A missing
 * component ends the walk: the rest is joined literally, since that is where it would be created.
 */
async function resolveReal(realRoot: string, parts: string[], requested: string): Promise<string> {
  let current = realRoot;
  const queue = [...parts];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    const stat = await lstatOrMissing(next);
    if (!stat) return path.join(next, ...queue);
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) {
      throw new WorkspaceError(`path "${requested}" goes through too many symbolic links (is there a loop?)`);
    }
    const target = await fs.readlink(next);
    if (path.isAbsolute(target)) current = path.parse(target).root;
    queue.unshift(...target.split(SEPARATORS));
  }
  return current;
}

async function lstatOrMissing(p: string) {
  try {
    return await fs.lstat(p);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** True when `candidate` is `root` itself or below it (both real, absolute paths). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '') return true;
  if (path.isAbsolute(relative)) return false;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Turns a filesystem error into a message naming the path as the model wrote it, so no host
 * paths leak into traces and the model knows what to try next.
 */
export function describeFsError(error: unknown, requested: string): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return `"${requested}" does not exist; use list_files to see what is there`;
    case 'ENOTDIR':
      return `"${requested}" does not exist: part of the path is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied for "${requested}"`;
    case 'ELOOP':
      return `"${requested}" goes through too many symbolic links`;
    default:
      // Node's own message names the absolute host path; the code alone is enough.
      return `could not access "${requested}" (${errorCode(error) ?? 'unknown error'})`;
  }
}
