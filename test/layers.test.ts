// The layers hold: each top-level folder imports only from the folders below it (README, "Layout").
// Every import is read — type-only, re-exports and dynamic import() included — and one that
// points up or sideways fails with the file and line that make it. The order is total, so no two
// folders can import each other: no cycle between folders. Tests are left out: a test may put
// any layers together.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lowest first. */
const LAYERS = ['core', 'datasets', 'agent', 'metrics', 'judges', 'runners', 'reports', 'interop', 'ci', 'perf', 'cli'] as const;

/** Imports against the order that are allowed, each with its reason. None today. */
const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

const ROOT = resolve(import.meta.dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

interface Violation {
  file: string;
  line: number;
  text: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function layerOf(path: string): number {
  return (LAYERS as readonly string[]).indexOf(relative(ROOT, path).split(sep)[0]!);
}

/** Every import of `source` (the text of `file`) that reaches a folder at or above its own. */
function wrongWayImports(file: string, source: string): Violation[] {
  const own = layerOf(file);
  const found: Violation[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3]!;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    const theirs = layerOf(target);
    if (theirs <= own) continue;
    const from = relative(ROOT, file);
    const to = relative(ROOT, target);
    if (EXCEPTIONS.some((e) => e.from === from && e.to === to)) continue;
    const line = source.slice(0, match.index! + match[0].search(/\S/)).split('\n').length;
    found.push({ file: from, line, text: `${from}:${line}: ${LAYERS[own]} must not import ${to} (${LAYERS[theirs]} is above it)` });
  }
  return found;
}

describe('the layers', () => {
  it('hold: no module imports from a folder above its own', () => {
    const violations = LAYERS.flatMap((layer) => sources(join(ROOT, layer))).flatMap((file) => wrongWayImports(file, readFileSync(file, 'utf8')));
    expect(violations.map((v) => v.text)).toEqual([]);
  });

  it('catch a wrong-way import of any form, naming the file and the line', () => {
    const file = join(ROOT, 'metrics', 'scratch.ts');
    const source = [
      "import { z } from 'zod';",
      "import type { Suite } from '../runners/suite.ts';",
      "import { InputError } from '../core/errors.ts';",
      "export { REPORTERS } from '../reports/reporters.ts';",
      'const later = () => import("../cli/main.ts");',
      "import '../judges/registry.ts';",
    ].join('\n');
    expect(wrongWayImports(file, source).map((v) => v.text)).toEqual([
      'metrics/scratch.ts:2: metrics must not import runners/suite.ts (runners is above it)',
      'metrics/scratch.ts:4: metrics must not import reports/reporters.ts (reports is above it)',
      'metrics/scratch.ts:5: metrics must not import cli/main.ts (cli is above it)',
      'metrics/scratch.ts:6: metrics must not import judges/registry.ts (judges is above it)',
    ]);
  });

  it('cover every top-level folder that holds TypeScript sources', () => {
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !['node_modules', 'test', 'bin', 'dist', 'examples'].includes(e.name) && !e.name.startsWith('.'))
      .filter((e) => sources(join(ROOT, e.name)).length > 0)
      .map((e) => e.name);
    expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });
});
