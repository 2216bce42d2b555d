// Opening one of Lunar's SQLite files (results.db, cache.db): a file that is not one — garbage
// bytes, another program's database, a folder — is bad input, said in one line that names the
// file and what to do, never a stack trace.

import { InputError } from './errors.ts';
import { ensureFolder } from './home.ts';
import { dirname } from 'node:path';

/** What an opened SQLite file says about itself: its PRAGMA user_version and the tables it holds. */
export interface SqliteIdentity {
  version: number;
  tables: string[];
}

/** The identity of an open better-sqlite3 database (anything with `pragma` and `prepare`). */
export function identify(db: { pragma(source: string, options: { simple: true }): unknown; prepare(source: string): { pluck(): { all(): unknown[] } } }): SqliteIdentity {
  return {
    version: Number(db.pragma('user_version', { simple: true })),
    tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  };
}

/**
 * Opens `path` with `create` and sets it up with `setUp` (pragmas, migrations), closing it again if
 * that fails; SQLite's "not a database" and "cannot open" become an InputError about `what` (e.g.
 * "results store"). The folder is made first.
 */
export function openSqliteFile<D extends { close(): unknown }>(path: string, what: string, create: () => D, setUp: (db: D) => void): D {
  if (path !== ':memory:') ensureFolder(dirname(path));
  try {
    const db = create();
    try {
      setUp(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    throw damaged(path, what, error);
  }
}

/** SQLite's "not a database", "malformed" and "cannot open" as one line about the file; any other error as it is. */
export function damaged(path: string, what: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return new InputError(`${path}: not a Lunar ${what} (the file is not an SQLite database, or is damaged); move it aside and Lunar starts a new one`);
  }
  if (code === 'SQLITE_CANTOPEN') return new InputError(`${path}: cannot open the ${what} here (is it a folder, or not readable?)`);
  return error;
}

/**
 * Checks, before any migration writes to it, that the file is one of ours: new (no tables yet) or
 * holding `marker`, a table every version of this kind has. An SQLite file of another program, or
 * Lunar's other file (cache.db given for results.db), is refused rather than migrated.
 */
export function checkIsOurs(path: string, what: string, identity: SqliteIdentity, known: number, marker: string): void {
  if (identity.version === 0 ? identity.tables.length > 0 : !identity.tables.includes(marker)) {
    throw new InputError(`${path}: not a Lunar ${what} (an SQLite database with other tables); name the ${what} itself`);
  }
  if (identity.version > known) {
    throw new InputError(`${path}: the ${what} was written by a newer Lunar (schema ${identity.version}; this one knows ${known}); upgrade Lunar`);
  }
}
