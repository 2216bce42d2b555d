import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchConfig } from '../agent/rag/search.ts';
import { InputError } from '../core/errors.ts';
import { KnowledgeBases } from './knowledge.ts';
import type { KnowledgeSettings } from './suite.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-kb-'));
  mkdirSync(join(dir, 'corpus'));
  writeFileSync(join(dir, 'corpus', 'sync.md'), '# Sync\n\nIf sync stalls, sign out and sign in again.\n');
  writeFileSync(join(dir, 'corpus', 'refunds.md'), '# Refunds\n\nRefunds are given within 30 days.\n');
  return dir;
}

function settings(dir: string, overrides: Partial<KnowledgeSettings> = {}): KnowledgeSettings {
  return {
    corpus: { kind: 'folder', path: join(dir, 'corpus') },
    embedder: 'hash',
    chunk: { maxTokens: 400, overlapTokens: 80 },
    search: SearchConfig.parse({}),
    ...overrides,
  };
}

describe('KnowledgeBases', () => {
  it('shares one index between variants with the same corpus, embedder and chunking', async () => {
    const dir = folder();
    const lines: string[] = [];
    const bases = new KnowledgeBases(join(dir, 'home'), (line) => lines.push(line));
    const bm25 = await bases.get(settings(dir, { search: SearchConfig.parse({ mode: 'bm25' }) }));
    // "hash" and "hash:384" name the same embedder.
    const hybrid = await bases.get(settings(dir, { embedder: 'hash:384', search: SearchConfig.parse({ mode: 'hybrid' }) }));
    expect(hybrid.store).toBe(bm25.store);
    expect([bm25.search.mode, hybrid.search.mode]).toEqual(['bm25', 'hybrid']);
    expect(lines.filter((l) => l.startsWith('index '))).toHaveLength(1);
    const other = await bases.get(settings(dir, { chunk: { maxTokens: 100, overlapTokens: 0 } }));
    expect(other.store).not.toBe(bm25.store);
    await bases.close();
  });

  it('refuses one explicit index path for two different embedders or chunkings', async () => {
    const dir = folder();
    const index = join(dir, 'shared.db');
    const bases = new KnowledgeBases(join(dir, 'home'));
    await bases.get(settings(dir, { index }));
    await expect(bases.get(settings(dir, { index, chunk: { maxTokens: 100, overlapTokens: 0 } }))).rejects.toThrow(InputError);
    await expect(bases.get(settings(dir, { index, embedder: 'hash:128' }))).rejects.toThrow(/shared\.db: one index is named for two knowledge settings .*embedder hash:384.*embedder hash:128/);
    await expect(bases.get(settings(dir, { index, search: SearchConfig.parse({ mode: 'vector' }) }))).resolves.toMatchObject({ search: { mode: 'vector' } });
    await bases.close();
  });

  it('closes the index when indexing fails, forgets the failure, and still closes cleanly', async () => {
    const dir = folder();
    const bases = new KnowledgeBases(join(dir, 'home'));
    const close = vi.spyOn(Database.prototype, 'close');
    const missing = settings(dir, { corpus: { kind: 'folder', path: join(dir, 'nowhere') } });
    await expect(bases.get(missing)).rejects.toThrow(/ENOENT/);
    expect(close).toHaveBeenCalledTimes(1);
    // Not cached: once the folder exists, the same settings build.
    mkdirSync(join(dir, 'nowhere'));
    writeFileSync(join(dir, 'nowhere', 'a.md'), '# A\n\nSome text.\n');
    const knowledge = await bases.get(missing);
    expect(knowledge.store.counts().documents).toBe(1);
    await expect(bases.close()).resolves.toBeUndefined();
    expect(close).toHaveBeenCalledTimes(2);
  });

  it('turns an unknown embedder or an index built with another embedder into bad input', async () => {
    const dir = folder();
    const index = join(dir, 'built.db');
    const first = new KnowledgeBases(join(dir, 'home'));
    await first.get(settings(dir, { index }));
    await first.close();
    const second = new KnowledgeBases(join(dir, 'home'));
    await expect(second.get(settings(dir, { embedder: 'nonsense' }))).rejects.toThrow(InputError);
    await expect(second.get(settings(dir, { index, embedder: 'hash:128' }))).rejects.toThrow(/built with embedder hash:384/);
    await second.close();
  });
});
