// Reference data is reached one way: datasets/reference/locate.ts (tests through
// test/reference-data.ts, suites through `data:<set>/<file>`). A path built to ../shared/data
// anywhere else would fail in a clone without it instead of skipping, and would miss pulled data.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const RESOLVER = 'datasets/reference/locate.ts';
const BUILDS_SHARED_PATH = /\b(?:resolve|join)\([^)]*(?:['"]shared['"]|shared\/data)/;
const YAML_SHARED_PATH = /^[^#]*\.\.\/shared\//;

function files(dir: string, ends: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, ends);
    return entry.name.endsWith(ends) ? [path] : [];
  });
}

function offending(paths: string[], pattern: RegExp): string[] {
  return paths.flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(ROOT, path)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('reference data paths', () => {
  it('are built only by the resolver: no module or test joins a path to ../shared/data', () => {
    const sources = files(ROOT, '.ts').filter((path) => relative(ROOT, path) !== RESOLVER);
    expect(offending(sources, BUILDS_SHARED_PATH)).toEqual([]);
  });

  it('are named data:<set>/<file> in suites, never ../shared/...', () => {
    expect(offending(files(join(ROOT, 'suites'), '.yaml'), YAML_SHARED_PATH)).toEqual([]);
  });
});
