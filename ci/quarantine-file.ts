// The committed quarantine file (ci/quarantine.json) on disk: read through its zod schema, so a
// broken file is one line naming the file, the line and the field (exit 2), and written with one
// entry a line, so a pull request that quarantines or releases a case shows exactly which.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonConfig } from '../agent/channels/config-file.ts';
import { emptyQuarantine, QuarantineFile } from '../metrics/quarantine.ts';

/** Where `lunar noise --write-quarantine` writes and `lunar gate` looks, relative to the working folder. */
export const DEFAULT_QUARANTINE = join('ci', 'quarantine.json');

export function readQuarantine(path: string): QuarantineFile {
  return readJsonConfig(path, QuarantineFile);
}

/** The file at `path`, or an empty list when there is none yet. */
export function readQuarantineOrEmpty(path: string): QuarantineFile {
  return existsSync(path) ? readQuarantine(path) : emptyQuarantine();
}

export function formatQuarantine(file: QuarantineFile): string {
  const cases = file.cases.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `{\n  "schema": ${JSON.stringify(file.schema)},\n  "version": ${file.version},\n  "cases": [${cases ? `\n${cases}\n  ` : ''}]\n}\n`;
}

export function writeQuarantine(path: string, file: QuarantineFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatQuarantine(QuarantineFile.parse(file)));
}
