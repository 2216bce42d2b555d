// Tests of the overlap: whole trailing sentences of about overlapTokens carried into the next chunk of a section,
// and nothing carried across sections.

import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown } from '../chunk.ts';
import { countTokens } from '../tokens.ts';
import { expectInvariants, numbered, overlapOf, prose } from './test-fixtures.ts';

describe('chunkMarkdown: sizes, splitting and overlap', () => {
  it('splits a long section on sentences with whole-sentence overlap, and no overlap across sections', () => {
    const sentences = numbered(40);
    const para = sentences.join(' '); // ~600 tokens, one paragraph on one line
    const doc = `# Policy\n\n${para}\n\n# Other\n\n${prose(2, 3)}`;
    const chunks = chunkMarkdown('doc.md', doc, { maxTokens: 120, overlapTokens: 30 });
    expectInvariants(doc, chunks, 120);
    const policy = chunks.filter((c) => c.headings[0] === 'Policy');
    expect(policy.length).toBeGreaterThanOrEqual(5);
    const sentenceSet = new Set(sentences);
    for (let k = 0; k < policy.length; k++) {
      const body = chunkBody(policy[k]);
      // Whole sentences only: every chunk is a run of sentences.
      for (const s of body.split(/(?<=\.) /)) expect(sentenceSet.has(s), s).toBe(true);
      if (k > 0) {
        const ov = overlapOf(chunkBody(policy[k - 1]), body);
        expect(ov.length, `overlap into chunk ${k}`).toBeGreaterThan(0);
        expect(sentenceSet.has(ov.split(/(?<=\.) /)[0])).toBe(true);
        const t = countTokens(ov);
        expect(t).toBeGreaterThanOrEqual(15); // about overlapTokens: at least half of it
        expect(t).toBeLessThanOrEqual(30);
      }
    }
    // Consecutive chunks together cover the paragraph: the last ends where the paragraph ends.
    expect(chunkBody(policy[0]).startsWith(sentences[0])).toBe(true);
    expect(para.endsWith(chunkBody(policy[policy.length - 1]))).toBe(true);
    // Across sections: the next section starts with its own text, nothing of the previous one.
    const other = chunks.find((c) => c.headings[0] === 'Other')!;
    expect(chunkBody(other)).toBe(prose(2, 3));
  });
});
