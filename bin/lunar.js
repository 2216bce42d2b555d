#!/usr/bin/env node
// Runs the CLI from dist/lunar.mjs, rebuilding that bundle first when any source is newer, so an
// edited checkout never runs stale code and a clean one needs no build step of its own.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE, ROOT, buildBundle } from './build.js';

const SOURCES = ['core', 'datasets', 'agent', 'metrics', 'judges', 'runners', 'reports', 'interop', 'ci', 'perf', 'cli', 'suites'];

function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return 0;
  }
}

const newest = Math.max(...SOURCES.map((d) => newestSource(join(ROOT, d))), statSync(join(ROOT, 'bin', 'build.js')).mtimeMs);
if (bundleTime() < newest) await buildBundle();
const { main } = await import(pathToFileURL(BUNDLE).href);
process.exitCode = await main(process.argv);
