// Documents and checks shared by the chunker's tests (and the token counter's): made-up policy sentences, prose
// and numbered rules built from them, a deterministic mixed document, and expectInvariants, which checks what
// chunk.ts guarantees for every chunk (real token count within maxTokens, body found on its startLine..endLine).

import { expect } from 'vitest';
import { chunkBody } from '../chunk.ts';
import { countTokens } from '../tokens.ts';
import type { Chunk } from '../types.ts';

export function fileLines(source: string): string[] {
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

export function expectInvariants(source: string, chunks: Chunk[], maxTokens: number, path = 'doc.md'): void {
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
export function overlapOf(a: string, b: string): string {
  for (let n = Math.min(a.length, b.length); n > 0; n--) {
    if (a.endsWith(b.slice(0, n))) return b.slice(0, n);
  }
  return '';
}

export const SENTENCES = [
  'Refunds are issued to the original payment method.',
  'A partial refund needs a manager’s approval.',
  'Customers in the EU may withdraw within fourteen days.',
  'Shipping fees are not refundable unless the item arrived damaged.',
  'Digital goods can be refunded only before the first download.',
  'We answer every refund request within two business days.',
  'Chargebacks are handled by the payments team, not by support.',
  'Store credit never expires.',
];

export function prose(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => SENTENCES[(i + offset) % SENTENCES.length]).join(' ');
}

/** n distinct sentences (so that an overlap can be found by string matching). */
export function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Rule ${i + 1}: ${SENTENCES[i % SENTENCES.length]}`);
}

/** A deterministic mixed document: nested sections, long paragraphs, lists, code, tables, unicode. */
export function bigDoc(sections: number): string {
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
