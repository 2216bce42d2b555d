// Tests of sections: the heading trail each chunk carries, empty and heading-only documents, `#` lines inside
// fences and other lines that are not headings. (The trail line shortened to fit is tested in chunk.test.ts.)

import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown } from '../chunk.ts';
import { countTokens } from '../tokens.ts';
import { expectInvariants } from './test-fixtures.ts';

describe('chunkMarkdown: sections and heading trails', () => {
  const src = [
    'Intro before any heading.', //           1
    '', //                                    2
    '# Billing', //                           3
    '', //                                    4
    '## Refunds', //                          5
    'Refunds take 5 days.', //                6
    '', //                                    7
    '### Exceptions ###', //                  8
    'Sales are final.', //                    9
    '## Invoices', //                         10
    '', //                                    11
    'Monthly.', //                            12
    '# Support', //                           13
    '### Deep', //                            14
    'Skipped a level.', //                    15
    '## Hours', //                            16
    'Nine to five.', //                       17
  ].join('\n');

  it('carries the trail, prepends it, skips empty sections, never merges sections', () => {
    const chunks = chunkMarkdown('doc.md', src);
    expect(chunks.map((c) => ({ h: c.headings, text: c.text, lines: [c.startLine, c.endLine] }))).toEqual([
      { h: [], text: 'Intro before any heading.', lines: [1, 1] },
      { h: ['Billing', 'Refunds'], text: 'Billing > Refunds\n\nRefunds take 5 days.', lines: [6, 6] },
      { h: ['Billing', 'Refunds', 'Exceptions'], text: 'Billing > Refunds > Exceptions\n\nSales are final.', lines: [9, 9] },
      { h: ['Billing', 'Invoices'], text: 'Billing > Invoices\n\nMonthly.', lines: [12, 12] },
      { h: ['Support', 'Deep'], text: 'Support > Deep\n\nSkipped a level.', lines: [15, 15] },
      { h: ['Support', 'Hours'], text: 'Support > Hours\n\nNine to five.', lines: [17, 17] },
    ]);
    expectInvariants(src, chunks, 400);
    expect(chunks.map(chunkBody)).toEqual([
      'Intro before any heading.',
      'Refunds take 5 days.',
      'Sales are final.',
      'Monthly.',
      'Skipped a level.',
      'Nine to five.',
    ]);
  });

  it('handles a document with no headings, an empty one, and headings only', () => {
    const flat = chunkMarkdown('f.md', 'One.\n\nTwo.');
    expect(flat).toEqual([
      { path: 'f.md', index: 0, text: 'One.\n\nTwo.', headings: [], startLine: 1, endLine: 3, tokens: countTokens('One.\n\nTwo.') },
    ]);
    expect(chunkMarkdown('e.md', '')).toEqual([]);
    expect(chunkMarkdown('e.md', '\n\n   \n')).toEqual([]);
    expect(chunkMarkdown('h.md', '# A\n## B\n\n### C\n')).toEqual([]);
  });

  it('ignores # lines inside ``` and ~~~ fences, and sees headings again after them', () => {
    const doc = [
      '# Setup', //             1
      '', //                    2
      '```bash', //             3
      '# install', //           4
      'npm i', //               5
      '', //                    6
      '## still code', //       7
      '```', //                 8
      '~~~~', //                9
      '# also code', //         10
      '```', //                 11
      '~~~~', //                12
      '## Next', //             13
      'After.', //              14
    ].join('\n');
    const chunks = chunkMarkdown('doc.md', doc);
    expect(chunks.map((c) => [c.headings, c.startLine, c.endLine])).toEqual([
      [['Setup'], 3, 12],
      [['Setup', 'Next'], 14, 14],
    ]);
    expect(chunks[0].text).toBe('Setup\n\n' + doc.split('\n').slice(2, 12).join('\n'));
    expectInvariants(doc, chunks, 400);
  });

  it('treats an unclosed fence as running to the end of the document', () => {
    const chunks = chunkMarkdown('doc.md', '# A\n\n```\n# not a heading\ncode');
    expect(chunks).toHaveLength(1);
    expect(chunks[0].headings).toEqual(['A']);
  });

  it('does not take #hashtags, #-runs over six or 4-space-indented # lines for headings', () => {
    const chunks = chunkMarkdown('doc.md', '# A\n#hashtag\n####### seven\n    # indented\ntext');
    expect(chunks).toHaveLength(1);
    expect(chunkBody(chunks[0])).toBe('#hashtag\n####### seven\n    # indented\ntext');
  });
});
