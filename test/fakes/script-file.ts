// A script file for the `scripted:FILE` target (JSONL, one step a line) in a fresh temporary folder.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function scriptFile(steps: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lunar-script-')), 'script.jsonl');
  writeFileSync(file, `${steps.map((s) => JSON.stringify(s)).join('\n')}\n`);
  return file;
}
