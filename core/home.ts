// Lunar's home: results, caches, indexes and pulled reference data live under it. One function,
// so every command and every lower layer that needs the folder (the reference-data resolver
// among them) agrees on it.

import { resolve } from 'node:path';

/** `$LUNAR_HOME`, else `.lunar` in the working directory. */
export function lunarHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LUNAR_HOME ?? '.lunar');
}
