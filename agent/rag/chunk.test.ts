import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown, frontMatter } from './chunk.ts';
import { countTokens, decodeTokens, encodeTokens, tokenPieces, truncateToTokens } from './tokens.ts';
import type { Chunk } from './types.ts';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function fileLines(source: string): string[] {
  return source.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** The chunk's body is in the file between startLine and endLine, starting on the first and ending on the last. */
function expectLinesRight(source: string, c: Chunk): void {
  const lines = fileLines(source);
  expect(c.startLine).toBeGreaterThanOrEqual(1);
  expect(c.endLine).toBeGreaterThanOrEqual(c.startLine);
  expect(c.endLine).toBeLessThanOrEqual(lines.length);
  const body = chunkBody(c);
  const region = lines.slice(c.startLine - 1, c.endLine).join('\n');
  const at = region.indexOf(body);
  expect(at, `chunk ${c.index} not found in lines ${c.startLine}-${c.endLine}`).toBeGreaterThanOrEqual(0);
  expect(at).toBeLessThanOrEqual(lines[c.startLine - 1].length); // starts on startLine
  expect(at + body.length).toBeGreaterThan(region.length - lines[c.endLine - 1].length); // ends on endLine
}

function expectInvariants(source: string, chunks: Chunk[], maxTokens: number, path = 'doc.md'): void {
  chunks.forEach((c, i) => {
    expect(c.path).toBe(path);
    expect(c.index).toBe(i);
    expect(c.tokens).toBe(countTokens(c.text));
    expect(c.tokens).toBeLessThanOrEqual(maxTokens);
    expect(chunkBody(c).trim()).not.toBe('');
    expectLinesRight(source, c);
  });
}

/** The longest non-empty string that ends `a` and starts `b` (the overlap), or ''. */
function overlapOf(a: string, b: string): string {
  for (let n = Math.min(a.length, b.length); n > 0; n--) {
    if (a.endsWith(b.slice(0, n))) return b.slice(0, n);
  }
  return '';
}

const SENTENCES = [
  'Refunds are issued to the original payment method.',
  'A partial refund needs a manager’s approval.',
  'Customers in the EU may withdraw within fourteen days.',
  'Shipping fees are not refundable unless the item arrived damaged.',
  'Digital goods can be refunded only before the first download.',
  'We answer every refund request within two business days.',
  'Chargebacks are handled by the payments team, not by support.',
  'Store credit never expires.',
];

function prose(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => SENTENCES[(i + offset) % SENTENCES.length]).join(' ');
}

/** n distinct sentences (so that an overlap can be found by string matching). */
function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Rule ${i + 1}: ${SENTENCES[i % SENTENCES.length]}`);
}

/** A deterministic mixed document: nested sections, long paragraphs, lists, code, tables, unicode. */
function bigDoc(sections: number): string {
  const out: string[] = ['---', 'title: Big', 'date: 2024-05-06', '---', '', 'Preamble before any heading.', ''];
  for (let s = 0; s < sections; s++) {
    out.push(`# Part ${s}`, '');
    if (s % 3 === 0) out.push(prose(3, s), '');
    out.push(`## Topic ${s}.1`, '', prose(12, s), '', prose(40, s + 1), '');
    out.push('- first item: ' + prose(1, s), '- second item: ' + prose(2, s), '  continued line', '');
    out.push('```ts', '# not a heading', ...Array.from({ length: 6 + (s % 30) * 4 }, (_, k) => `const v${k} = ${k} * 2; // ${s}`), '```', '');
    out.push(`### Table ${s}`, '', '| key | value |', '|---|---|', ...Array.from({ length: 3 + (s % 40) }, (_, k) => `| k${k} | v${k * s} |`), '');
    out.push(`### Unicode ${s}`, '', '日本語のテキストです。二つ目の文です。' + 'émoji 👍🏽 ok. '.repeat(20), '');
    if (s % 7 === 0) out.push(`## Empty ${s}`, '', `### Child of empty ${s}`, '', prose(2, s), '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

describe('tokens (cl100k_base)', () => {
  it('counts known strings', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(encodeTokens('hello world')).toEqual([15339, 1917]);
    expect(countTokens('tiktoken is great!')).toBe(6);
    expect(countTokens('\n\n')).toBe(1);
    expect(countTokens('')).toBe(0);
    expect(decodeTokens(encodeTokens('héllo 世界'))).toBe('héllo 世界');
  });

  it('counts special-token strings as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBe(encodeTokens('<|endoftext|>').length);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('agrees with the library on varied text', () => {
    const samples = [
      bigDoc(2),
      'Billing > Refunds\n\nWithin 30 days.',
      "I'm here, you're there; they'll go.   Spaces   and\ttabs\r\n",
      '日本語のテキスト 👍🏽 émoji 한국어 Ελληνικά',
      'x'.repeat(200) + ' ' + '9'.repeat(50),
      '```\nconst a = [1, 2, 3].map((x) => x * 2);\n```',
    ];
    for (const s of samples) expect(countTokens(s)).toBe(encodeTokens(s).length);
  });

  it('pieces tile the text and sum to the count', () => {
    const s = 'Hello, world! 123456 ünïcode 👍🏽\n\n  indented';
    const pieces = tokenPieces(s);
    expect(pieces.map((p) => s.slice(p.start, p.end)).join('')).toBe(s);
    expect(pieces.reduce((n, p) => n + p.tokens, 0)).toBe(countTokens(s));
  });

  it('truncates to a token budget', () => {
    const s = prose(5);
    const t = truncateToTokens(s, 10);
    expect(s.startsWith(t)).toBe(true);
    expect(countTokens(t)).toBeLessThanOrEqual(10);
    expect(countTokens(t)).toBeGreaterThanOrEqual(8);
    expect(truncateToTokens('short', 10)).toBe('short');
  });
});

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

  it('drops outer headings from the prefix when the trail line is too long, keeping the full trail in headings', () => {
    const long = 'A very long heading title with many words in it';
    const doc = `# ${long} one\n## ${long} two\n### Short\n\nBody text.`;
    const [c] = chunkMarkdown('doc.md', doc, { maxTokens: 64 });
    expect(c.headings).toEqual([`${long} one`, `${long} two`, 'Short']);
    expect(c.text).toBe(`${long} two > Short\n\nBody text.`);
    expect(chunkBody(c)).toBe('Body text.');
    const [d] = chunkMarkdown('doc.md', `# ${long} ${long}\n\nBody.`, { maxTokens: 64 });
    expect(d.text).toBe('Body.');
  });
});

describe('chunkMarkdown: sizes, splitting and overlap', () => {
  it('keeps every chunk within maxTokens, heading line included, with tokens the real count', () => {
    const doc = bigDoc(10);
    for (const maxTokens of [16, 40, 128, 400, 1000]) {
      const chunks = chunkMarkdown('doc.md', doc, { maxTokens, overlapTokens: Math.floor(maxTokens / 5) });
      expect(chunks.length).toBeGreaterThan(0);
      expectInvariants(doc, chunks, maxTokens);
    }
  });

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

  it('with overlap 0, consecutive chunks of a section tile it exactly', () => {
    const para = prose(60);
    const chunks = chunkMarkdown('doc.md', para, { maxTokens: 50, overlapTokens: 0 });
    expect(chunks.map((c) => c.text).join(' ')).toBe(para);
    expectInvariants(para, chunks, 50);
  });

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

  it('handles \\r\\n exactly like \\n', () => {
    const lf = bigDoc(4);
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = chunkMarkdown('doc.md', lf, { maxTokens: 100 });
    const b = chunkMarkdown('doc.md', crlf, { maxTokens: 100 });
    expect(b).toEqual(a);
    expectInvariants(crlf, b, 100);
    expect(b.every((c) => !c.text.includes('\r'))).toBe(true);
  });

  it('covers every non-blank body line of the document', () => {
    const doc = bigDoc(6);
    const chunks = chunkMarkdown('doc.md', doc, { maxTokens: 90, overlapTokens: 20 });
    const lines = fileLines(doc);
    const covered = new Set<number>();
    for (const c of chunks) for (let l = c.startLine; l <= c.endLine; l++) covered.add(l);
    const bodyStart = frontMatter(doc).bodyStartLine;
    lines.forEach((line, i) => {
      const n = i + 1;
      if (n < bodyStart || line.trim() === '' || /^#{1,6} /.test(line)) return;
      expect(covered.has(n), `line ${n}: ${line}`).toBe(true);
    });
  });

  it('keeps its guarantees on random markdown-ish noise', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const atoms = ['word', 'Word', ' ', ' ', '. ', '? ', '\n', '\n\n', '\r\n', '# ', '## ', '```', '~~~', '- ', '1. ', '| ',
      '|---|', '    ', '\t', '日本語', '。', '👍🏽', '<|endoftext|>', '---', 'a'.repeat(70), '#', 'date: 1'];
    for (let it = 0; it < 300; it++) {
      let src = rnd() < 0.2 ? '---\ndate: 2024\n---\n' : '';
      const n = Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) src += atoms[Math.floor(rnd() * atoms.length)];
      const maxTokens = 16 + Math.floor(rnd() * 100);
      const chunks = chunkMarkdown('doc.md', src, { maxTokens, overlapTokens: Math.floor(rnd() * maxTokens) });
      expectInvariants(src, chunks, maxTokens);
    }
  });

  it('does not end a chunk with the blank lines of an unclosed fence', () => {
    const src = '# A\n\n~~~\ncode\n\n\n';
    const chunks = chunkMarkdown('doc.md', src);
    expect(chunks.map((c) => [chunkBody(c), c.startLine, c.endLine])).toEqual([['~~~\ncode', 3, 4]]);
  });

  it('is deterministic', () => {
    const doc = bigDoc(5);
    expect(chunkMarkdown('doc.md', doc)).toEqual(chunkMarkdown('doc.md', doc));
    expect(chunkMarkdown('doc.md', doc, { maxTokens: 50, overlapTokens: 10 })).toEqual(
      chunkMarkdown('doc.md', doc, { maxTokens: 50, overlapTokens: 10 }),
    );
  });

  it('rejects a maxTokens too small to work with', () => {
    expect(() => chunkMarkdown('doc.md', 'x', { maxTokens: 8 })).toThrow(RangeError);
    expect(() => chunkMarkdown('doc.md', 'x', { overlapTokens: -1 })).toThrow(RangeError);
  });
});
