// Tests of front matter: the keys read from it, where the body starts (with \r\n, a BOM, none, an unclosed one,
// a leading thematic break), and that the chunker skips it while counting lines in the original file.

import { describe, expect, it } from 'vitest';
import { chunkMarkdown, frontMatter } from '../chunk.ts';

describe('frontMatter', () => {
  it('reads key: value lines and where the body starts', () => {
    const fm = frontMatter('---\ntitle: "Refund policy"\ndate: 2024-05-06 # reviewed\ntags:\n  - a\n---\n# Body\n');
    expect(fm.data).toEqual({ title: 'Refund policy', date: '2024-05-06', tags: '' });
    expect(fm.bodyStartLine).toBe(7);
  });

  it('handles \\r\\n, a BOM, no front matter, an unclosed one and a leading thematic break', () => {
    expect(frontMatter('\uFEFF---\r\ndate: 2023-01-02\r\n---\r\nbody')).toEqual({ data: { date: '2023-01-02' }, bodyStartLine: 4 });
    expect(frontMatter('# Title\n\ndate: x')).toEqual({ data: {}, bodyStartLine: 1 });
    expect(frontMatter('---\ndate: x\nno end')).toEqual({ data: {}, bodyStartLine: 1 });
    expect(frontMatter('---\nJust a paragraph after a rule.\n---\n')).toEqual({ data: {}, bodyStartLine: 1 });
  });

  it('is skipped by the chunker, with line numbers still counted in the original file', () => {
    const src = '---\ntitle: T\ndate: 2024-01-01\n---\n\nFirst paragraph.\n\n# H\n\nSecond.';
    const chunks = chunkMarkdown('doc.md', src);
    expect(chunks.map((c) => [c.text, c.startLine, c.endLine])).toEqual([
      ['First paragraph.', 6, 6],
      ['H\n\nSecond.', 10, 10],
    ]);
    expect(chunks.some((c) => c.text.includes('title'))).toBe(false);
  });
});
