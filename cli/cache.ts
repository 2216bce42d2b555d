// `lunar cache export|import|stats`: the model-call cache as a JSONL recording a team commits, so
// a replay in CI (`--cache replay`) needs no keys. One entry per line, chat calls then embeddings,
// each in key order, keys sorted within every object: the same cache always exports the same bytes.

import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CallCache, type CacheStat } from '../agent/providers/cache.ts';
import { CacheEntry } from '../agent/providers/cache-entries.ts';
import { canonicalJson } from '../agent/providers/cache-keys.ts';
import { InputError } from '../core/errors.ts';
import { parseJsonl } from '../datasets/jsonl.ts';

export interface CacheCommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: CacheCommandOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export function registerCacheCommands(program: Command, home: () => string, output: CacheCommandOutput = PROCESS_OUTPUT): void {
  // --db names the file itself; --home, as on every other command, the folder it sits in.
  const dbPath = (opts: { db?: string; home?: string }): string => resolve(opts.db ?? join(opts.home ? resolve(opts.home) : home(), 'cache.db'));
  const HOME = ['--home <dir>', 'the Lunar home whose cache.db to use (default $LUNAR_HOME or .lunar)'] as const;
  const cache = program
    .command('cache')
    .description('The model-call cache (<home>/cache.db): export it as a JSONL recording to commit, import one, count what it holds.');

  cache
    .command('export')
    .description('Write the cache as JSONL, one entry per line in a stable order (to stdout without --out).')
    .option('-o, --out <file>', 'the file to write')
    .option('-p, --provider <name>', 'only this provider (openai, gemini, ollama, groq, ...)')
    .option('--db <file>', 'the cache file (default <home>/cache.db)')
    .option(...HOME)
    .action((opts: { out?: string; provider?: string; db?: string; home?: string }) => {
      const store = openExisting(dbPath(opts));
      try {
        const counts = { chat: 0, embedding: 0 };
        const lines: string[] = [];
        for (const entry of store.entries({ provider: opts.provider })) {
          counts[entry.kind]++;
          lines.push(exportLine(entry));
        }
        const text = lines.map((line) => `${line}\n`).join('');
        if (!opts.out) return output.stdout(text);
        writeFileSync(opts.out, text);
        output.stderr(`${opts.out}: ${lines.length} entries (${counts.chat} chat, ${counts.embedding} embedding) from ${store.path}\n`);
      } finally {
        store.close();
      }
    });

  cache
    .command('import')
    .description('Read a JSONL recording into the cache. Every line is checked first; a bad one stops the import with file:line: field: problem.')
    .argument('<file>', 'the JSONL file (from lunar cache export)')
    .option('--overwrite', 'replace entries the cache already holds (default: keep them)', false)
    .option('--db <file>', 'the cache file (default <home>/cache.db)')
    .option(...HOME)
    .action((file: string, opts: { overwrite: boolean; db?: string; home?: string }) => {
      const entries = readRecording(file);
      const store = new CallCache(dbPath(opts));
      try {
        const { added, replaced, kept } = store.importEntries(entries, opts.overwrite);
        const keptNote = kept > 0 ? ' (already cached; --overwrite replaces them)' : '';
        output.stdout(`${file}: ${entries.length} entries into ${store.path}: ${added} added, ${replaced} replaced, ${kept} kept${keptNote}\n`);
      } finally {
        store.close();
      }
    });

  cache
    .command('stats')
    .description('Count the cached calls per provider and model.')
    .option('--db <file>', 'the cache file (default <home>/cache.db)')
    .option(...HOME)
    .option('--json', 'print the counts as JSON', false)
    .action((opts: { db?: string; home?: string; json: boolean }) => {
      const store = openExisting(dbPath(opts));
      try {
        const stats = store.stats();
        output.stdout(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : statsTable(store.path, stats));
      } finally {
        store.close();
      }
    });
}

/** One exported line: canonical JSON (keys sorted at every level), so equal entries are equal bytes. */
export function exportLine(entry: CacheEntry): string {
  return canonicalJson(entry);
}

/**
 * Every entry of a JSONL recording, each line checked with zod; the first bad line throws an
 * InputError `file:line: field: problem`. Blank lines are skipped; a key may appear once.
 */
export function readRecording(file: string): CacheEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the recording (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const seen = new Map<string, number>();
  return parseJsonl(text, file, CacheEntry).map(({ value, line }) => {
    const first = seen.get(value.key);
    if (first !== undefined) throw new InputError(`${file}:${line}: key: ${value.key} repeats line ${first}`);
    seen.set(value.key, line);
    return value;
  });
}

function openExisting(path: string): CallCache {
  if (!existsSync(path)) throw new InputError(`${path}: no model-call cache here; record one with lunar bench --cache on`);
  return new CallCache(path);
}

function statsTable(path: string, stats: CacheStat[]): string {
  const rows = [['kind', 'provider', 'model', 'entries'], ...stats.map((s) => [s.kind, s.provider, s.model, String(s.entries)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const body = rows.map((r) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  const total = stats.reduce((n, s) => n + s.entries, 0);
  return `${path}\n${body.join('\n')}\ntotal ${total}\n`;
}
