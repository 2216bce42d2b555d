import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryError, MemoryStore } from './store.ts';

const DAY1 = new Date('2026-01-05T09:00:00Z');
const DAY2 = new Date('2026-01-06T09:30:00Z');
const DAY3 = new Date('2026-01-07T09:00:00Z');

let root: string;
let store: MemoryStore;
beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lunar-memory-')));
  store = new MemoryStore(join(root, 'home'));
});
afterEach(async () => {
  store.close();
  await fs.rm(root, { recursive: true, force: true });
});

const read = (path: string) => fs.readFile(join(root, 'home', path), 'utf8');

async function refusalOf(promise: Promise<unknown>): Promise<MemoryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error('expected a MemoryError');
}

describe('MemoryStore.write', () => {
  it("appends each note as its own section of the day's log (UTC), and says on which lines its text landed", async () => {
    expect(await store.write('My cat is called Miso.', 'daily', DAY1)).toEqual({ path: 'memory/2026-01-05.md', lines: [4, 4], text: 'My cat is called Miso.' });
    expect(await store.write('  Two lines:\r\nfirst\n# not a heading  ', 'daily', new Date('2026-01-05T23:59:00Z'))).toEqual({
      path: 'memory/2026-01-05.md',
      lines: [7, 9],
      text: 'Two lines:\nfirst\n\\# not a heading',
    });
    expect(await read('memory/2026-01-05.md')).toBe('# 2026-01-05\n\n## 09:00\nMy cat is called Miso.\n\n## 23:59\nTwo lines:\nfirst\n\\# not a heading\n');
    expect(await store.write('The user is vegetarian.', 'MEMORY.md', DAY2)).toEqual({ path: 'MEMORY.md', lines: [4, 4], text: 'The user is vegetarian.' });
    expect(await read('MEMORY.md')).toBe('# Memory\n\n## 2026-01-06 09:30\nThe user is vegetarian.\n');
  });

  it('puts a note on lines of its own when a person saved the file without a final newline', async () => {
    await fs.mkdir(join(root, 'home', 'memory'), { recursive: true });
    await fs.writeFile(join(root, 'home', 'memory', '2026-01-05.md'), '# 2026-01-05\n\nedited by hand');
    expect(await store.write('A note.', 'daily', DAY1)).toMatchObject({ lines: [6, 6] });
    expect(await read('memory/2026-01-05.md')).toBe('# 2026-01-05\n\nedited by hand\n\n## 09:00\nA note.\n');
  });

  it('refuses a note holding a secret, writes nothing, and does not repeat the secret in its error', async () => {
    const error = await refusalOf(store.write('Remember my wifi password: Tr0ub4dor&3', 'daily', DAY1));
    expect(error.refused).toBe(true);
    expect(error.message).toMatch(/^not saved: the note looks like it contains a password, and secrets are never stored in memory/);
    expect(error.message).not.toContain('Tr0ub4dor');
    await expect(fs.stat(join(root, 'home', 'memory', '2026-01-05.md'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('MemoryStore.search', () => {
  it('re-indexes only the memory files that changed: added, then unchanged, then one edited by hand, then one deleted', async () => {
    await store.write('My cat is called Miso.', 'daily', DAY1);
    await store.write('My dentist is Dr Okafor.', 'daily', DAY2);
    expect((await store.search('cat', DAY3)).reindexed).toEqual({ added: 2, updated: 0, removed: 0, unchanged: 0 });
    expect((await store.search('cat', DAY3)).reindexed).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 2 });

    await fs.appendFile(join(root, 'home', 'memory', '2026-01-05.md'), '\n## 10:00\nMy parrot is called Kiwi.\n');
    const edited = await store.search('parrot', DAY3);
    expect(edited.reindexed).toEqual({ added: 0, updated: 1, removed: 0, unchanged: 1 });
    expect(edited.hits[0]).toMatchObject({ path: 'memory/2026-01-05.md', startLine: 7, endLine: 7 });
    expect(edited.hits[0]!.text).toContain('My parrot is called Kiwi.');

    await fs.rm(join(root, 'home', 'memory', '2026-01-06.md'));
    const pruned = await store.search('dentist', DAY3);
    expect(pruned.reindexed).toEqual({ added: 0, updated: 0, removed: 1, unchanged: 1 });
    expect(pruned.hits.map((h) => h.text).join('\n')).not.toContain('Okafor');
  });

  it('ranks the newer of two equally relevant notes first: each daily log decays by its own date, from the run clock', async () => {
    await store.write('Remember that my cat is called Miso.', 'daily', DAY1);
    await store.write('Remember: correction, my cat is called Tofu now.', 'daily', DAY2);
    const { hits } = await store.search('What is my cat called?', DAY3);
    expect(hits.map((h) => h.path)).toEqual(['memory/2026-01-06.md', 'memory/2026-01-05.md']);
    // Ages from the logs' midnights to 2026-01-07T09:00Z: 1.375 and 2.375 days; 0.3 + 0.7 × 0.5^(age / 7).
    expect(hits[0]!.breakdown.decay).toBeCloseTo(0.9108958, 6);
    expect(hits[1]!.breakdown.decay).toBeCloseTo(0.8533028, 6);
    // The two lists disagree (BM25 prefers the shorter Miso note, the vectors the Tofu one), so RRF ties them before decay.
    expect(hits[0]!.breakdown.fused).toBeCloseTo(hits[1]!.breakdown.fused!, 12);
  });

  it('leaves MEMORY.md undecayed: durable facts do not fade', async () => {
    await store.write('The user is vegetarian.', 'MEMORY.md', DAY1);
    const { hits } = await store.search('vegetarian', new Date('2027-01-01T00:00:00Z'));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.path).toBe('MEMORY.md');
    expect(hits[0]!.breakdown.decay).toBeUndefined();
  });

  it('finds nothing in an empty memory, without creating memory files', async () => {
    expect(await store.search('anything', DAY1)).toEqual({ hits: [], reindexed: { added: 0, updated: 0, removed: 0, unchanged: 0 } });
    expect((await fs.readdir(join(root, 'home'))).filter((f) => !f.startsWith('.'))).toEqual([]);
  });
});

describe('MemoryStore.get', () => {
  beforeEach(async () => {
    await store.write('first note', 'daily', DAY1);
    await store.write('second note', 'daily', new Date('2026-01-05T10:00:00Z'));
  });

  it('reads a line range of a memory file, or the whole file', async () => {
    expect(await store.get('memory/2026-01-05.md', 4, 7)).toEqual({ path: 'memory/2026-01-05.md', text: 'first note\n\n## 10:00\nsecond note', lines: [4, 7], total: 7 });
    expect(await store.get('memory/../memory/2026-01-05.md')).toMatchObject({ lines: [1, 7], total: 7 });
  });

  it('stays inside the memory root: no climbing out, no absolute paths, no symlinks leading out', async () => {
    await fs.writeFile(join(root, 'outside.md'), 'outside');
    await fs.symlink(join(root, 'outside.md'), join(root, 'home', 'memory', 'escape.md'));
    expect((await refusalOf(store.get('../outside.md'))).message).toBe('path "../outside.md" is outside the memory folder');
    expect((await refusalOf(store.get('memory/../../outside.md'))).message).toBe('path "memory/../../outside.md" is outside the memory folder');
    expect((await refusalOf(store.get(join(root, 'outside.md')))).message).toMatch(/is absolute; give a path relative to the memory folder root/);
    expect((await refusalOf(store.get('memory/escape.md'))).message).toBe('path "memory/escape.md" leads outside the memory folder through a symbolic link');
  });

  it('reads only memory files: not the index, not a transcript, not a missing log', async () => {
    await fs.writeFile(join(root, 'home', 'notes.txt'), 'not memory');
    expect((await refusalOf(store.get('.memory-index.db'))).message).toBe('".memory-index.db" is not a memory file: memory_get reads MEMORY.md and the markdown files under memory/');
    expect((await refusalOf(store.get('notes.txt'))).message).toMatch(/^"notes.txt" is not a memory file/);
    expect((await refusalOf(store.get('memory/2025-12-31.md'))).message).toBe('"memory/2025-12-31.md" does not exist; memory_search shows which files hold notes');
    expect((await refusalOf(store.get('memory/2026-01-05.md', 9))).message).toBe('start_line 9 is past the end of "memory/2026-01-05.md", which has 7 lines');
  });
});
