// Where Lunar's own files are (the checkout or the installed package) and its version. Every
// module that needs them asks here, so a bundle (dist/lunar.mjs) and the sources agree: both sit
// one folder below the package root.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function lunarVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
