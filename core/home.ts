// Lunar's home: results, caches, indexes and pulled reference data live under it. One function,
// so every command and every lower layer that needs the folder (the reference-data resolver
// among them) agrees on it.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './errors.ts';

/** `$LUNAR_HOME`, else `.lunar` in the working directory. */
export function lunarHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LUNAR_HOME ?? '.lunar');
}

/** Makes `dir` and its parents; a file where a folder must be (`--home` naming a file) is bad input. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new InputError(`${dir}: a file is in the way of this folder; point --home (or LUNAR_HOME) at a folder`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new InputError(`${dir}: cannot make this folder (${code}); point --home (or LUNAR_HOME) at a folder you can write`);
    throw error;
  }
}
