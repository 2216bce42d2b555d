// Tests of blocks: small paragraphs packed together, and fences, tables and lists kept whole when they fit; an
// unclosed fence's trailing blank lines left out of its block.

import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown } from '../chunk.ts';
import { expectInvariants, prose } from './test-fixtures.ts';

describe('chunkMarkdown: sizes, splitting and overlap', () => {
  it('packs small paragraphs together and keeps fences, tables and lists whole when they fit', () => {
    const code = '```py\ndef f():\n\n    return 1  # a comment\n```';
    const table = '| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |';
    const list = '- one\n- two\n\n- three, loose\n\n  continued inside three';
    const doc = `# S\n\nPara one.\n\nPara two.\n\n${code}\n\n${table}\n\n${list}\n\n${prose(30)}`;
    const chunks = chunkMarkdown('doc.md', doc, { maxTokens: 100, overlapTokens: 20 });
    expectInvariants(doc, chunks, 100);
    expect(chunks[0].text.startsWith('S\n\nPara one.\n\nPara two.')).toBe(true);
    for (const unit of [code, table, list]) {
      const holders = chunks.filter((c) => c.text.includes(unit));
      expect(holders.length, unit).toBeGreaterThan(0);
      // No chunk holds a part of the unit without all of it (the overlap may repeat it whole).
      const firstLine = unit.split('\n')[0];
      for (const c of chunks) if (c.text.includes(firstLine) && !c.text.includes(unit)) expect.fail(`split: ${unit}`);
    }
  });

  it('does not end a chunk with the blank lines of an unclosed fence', () => {
    const src = '# A\n\n~~~\ncode\n\n\n';
    const chunks = chunkMarkdown('doc.md', src);
    expect(chunks.map((c) => [chunkBody(c), c.startLine, c.endLine])).toEqual([['~~~\ncode', 3, 4]]);
  });
});
