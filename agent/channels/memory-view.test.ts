import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latest, memoryView } from './memory-view.ts';

const TODAY = new Date('2026-01-07T10:00:00.000Z');
let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), 'lunar-memory-view-'));
  await fs.mkdir(join(root, 'memory'));
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

const write = (path: string, text: string) => fs.writeFile(join(root, path), text);

describe('memoryView', () => {
  it('is empty when there is no memory file at all', async () => {
    expect(await memoryView(root, TODAY)).toBe('');
  });

  it("shows MEMORY.md and today's log whole, and counts the other logs by their first and last name", async () => {
    await write('MEMORY.md', '# Memory\n\n## 2026-01-05 09:00\nThe user is vegetarian.\n');
    await write('memory/2026-01-05.md', '# 2026-01-05\n');
    await write('memory/2026-01-06.md', '# 2026-01-06\n');
    await write('memory/2026-01-07.md', '# 2026-01-07\n\n## 10:00\nParked in bay 27.\n');
    expect(await memoryView(root, TODAY)).toBe(
      [
        'MEMORY.md:\n# Memory\n\n## 2026-01-05 09:00\nThe user is vegetarian.',
        'memory/2026-01-07.md (today):\n# 2026-01-07\n\n## 10:00\nParked in bay 27.',
        '2 other memory files (memory/2026-01-05.md … memory/2026-01-06.md): I search them when you ask.',
      ].join('\n\n'),
    );
  });

  it('says so when only older logs hold notes', async () => {
    await write('memory/2026-01-05.md', '# 2026-01-05\n\n## 09:00\nOld note.\n');
    expect(await memoryView(root, TODAY)).toBe('MEMORY.md:\n(empty)\n\nmemory/2026-01-07.md (today):\n(nothing yet)\n\n1 other memory file (memory/2026-01-05.md): I search them when you ask.');
  });

  it("cuts a long file to its latest whole lines; a short MEMORY.md leaves its room to today's log", async () => {
    const notes = Array.from({ length: 40 }, (_, i) => `## 10:${String(i).padStart(2, '0')}\nNote number ${i}.`).join('\n');
    await write('memory/2026-01-07.md', `# 2026-01-07\n\n${notes}\n`);
    await write('MEMORY.md', 'Short.');
    // 40 notes, far over the 400 given; MEMORY.md uses 6 characters, so the log may use 394.
    const view = await memoryView(root, TODAY, 400);
    const daily = view.split('(today):\n')[1]!;
    expect(daily.split('\n')[0]).toMatch(/^\[… \d+ earlier characters not shown\]$/);
    const shown = daily.split('\n').slice(1).join('\n');
    expect(shown.length).toBeLessThanOrEqual(394);
    expect(shown.length).toBeGreaterThan(394 - 'Note number 39.'.length);
    expect(shown.endsWith('## 10:39\nNote number 39.')).toBe(true);
    expect(`# 2026-01-07\n\n${notes}`.endsWith(shown)).toBe(true);
  });
});

describe('latest', () => {
  it('keeps text that fits, and otherwise the tail from the first line that starts within it', () => {
    expect(latest('abc\ndef', 7)).toBe('abc\ndef');
    expect(latest('abc\ndef\nghi', 6)).toBe('[… 8 earlier characters not shown]\nghi');
    // No line starts within the tail: the tail as it is.
    expect(latest('abcdefghij', 4)).toBe('[… 6 earlier characters not shown]\nghij');
  });
});
