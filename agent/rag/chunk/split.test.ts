// Tests of splitting units too big for the budget: code on lines, lists on items, a line without punctuation at
// word boundaries, a giant token at code points without breaking surrogate pairs.

import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown } from '../chunk.ts';
import { countTokens } from '../tokens.ts';
import { expectInvariants, overlapOf, SENTENCES } from './test-fixtures.ts';

describe('chunkMarkdown: sizes, splitting and overlap', () => {
  it('splits an oversized code block on lines and an oversized list on items', () => {
    const codeLines = Array.from({ length: 80 }, (_, i) => `line_${i} = compute(${i}) + offset`);
    const items = Array.from({ length: 30 }, (_, i) => `- item ${i}: ${SENTENCES[i % 8]}`);
    const doc = `# C\n\n\`\`\`\n${codeLines.join('\n')}\n\`\`\`\n\n# L\n\n${items.join('\n')}`;
    const chunks = chunkMarkdown('doc.md', doc, { maxTokens: 100, overlapTokens: 20 });
    expectInvariants(doc, chunks, 100);
    for (const c of chunks) {
      const body = chunkBody(c);
      for (const line of body.split('\n')) {
        if (c.headings[0] === 'C') expect(line === '```' || codeLines.includes(line), line).toBe(true);
        else expect(items.includes(line), line).toBe(true);
      }
    }
    expect(chunks.filter((c) => c.headings[0] === 'C').length).toBeGreaterThan(3);
    expect(chunks.filter((c) => c.headings[0] === 'L').length).toBeGreaterThan(3);
  });

  it('splits a single enormous line without punctuation at word boundaries', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `word${i % 97}x`);
    const line = words.join(' ');
    const chunks = chunkMarkdown('doc.md', line, { maxTokens: 64, overlapTokens: 0 });
    expectInvariants(line, chunks, 64);
    expect(chunks.map((c) => c.text).join(' ')).toBe(line);
    for (const c of chunks) expect(c.startLine).toBe(1);
    const withOverlap = chunkMarkdown('doc.md', line, { maxTokens: 64, overlapTokens: 16 });
    expectInvariants(line, withOverlap, 64);
    for (let k = 1; k < withOverlap.length; k++) {
      const ov = overlapOf(withOverlap[k - 1].text, withOverlap[k].text);
      expect(countTokens(ov)).toBeGreaterThanOrEqual(8);
      expect(line.includes(' ' + withOverlap[k].text.split(' ')[0] + ' ')).toBe(true); // starts on a whole word
    }
  });

  it('splits a giant token with no spaces, and unicode, without breaking surrogate pairs', () => {
    const blob = 'QUJD'.repeat(3000) + '👍🏽'.repeat(200) + '漢字'.repeat(500);
    const chunks = chunkMarkdown('doc.md', `# Blob\n\n${blob}`, { maxTokens: 40, overlapTokens: 0 });
    expectInvariants(`# Blob\n\n${blob}`, chunks, 40);
    expect(chunks.map(chunkBody).join('')).toBe(blob);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const c of chunks) expect(loneSurrogate.test(c.text)).toBe(false);
  });
});
