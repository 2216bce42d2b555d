// Tests of chunkMarkdown as a whole: its guarantees on every chunk (size, real token count, lines) across sizes,
// line endings and random noise, coverage of the document, packing without overlap, determinism, option checks,
// and the heading-trail line shortened to fit.

import { describe, expect, it } from 'vitest';
import { chunkBody, chunkMarkdown, frontMatter } from './chunk.ts';
import { bigDoc, expectInvariants, fileLines, prose } from './chunk/test-fixtures.ts';

describe('chunkMarkdown: sections and heading trails', () => {
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

  it('with overlap 0, consecutive chunks of a section tile it exactly', () => {
    const para = prose(60);
    const chunks = chunkMarkdown('doc.md', para, { maxTokens: 50, overlapTokens: 0 });
    expect(chunks.map((c) => c.text).join(' ')).toBe(para);
    expectInvariants(para, chunks, 50);
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
