// The document as chunking sees it: its lines (BOM dropped, split at "\n" and "\r\n"), one normalised text
// with "\n" line endings that every offset and every chunk body refers to, and the sentence heuristic that
// prose and overlaps are cut at.

import { countTokens } from '../tokens.ts';

export function splitLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r?\n/);
}

const SENTENCE_END_RE = /([.!?…]+["'”’)\]]*\s+)|([。！？]+["'”’」』)\]]*\s*)/gu;
const LOWER_RE = /\p{Ll}/u;
const WS_RE = /\s/;

export function isWs(ch: string | undefined): boolean {
  return ch !== undefined && WS_RE.test(ch);
}

/** Everything chunkMarkdown needs about one document, shared by every step of the chunker. */
export class Doc {
  readonly norm: string;
  readonly lineStarts: number[];

  constructor(readonly lines: string[]) {
    this.norm = lines.join('\n');
    this.lineStarts = new Array<number>(lines.length);
    let off = 0;
    for (let i = 0; i < lines.length; i++) {
      this.lineStarts[i] = off;
      off += lines[i].length + 1;
    }
  }

  lineStart(i: number): number {
    return this.lineStarts[i];
  }

  lineEnd(i: number): number {
    return this.lineStarts[i] + this.lines[i].length;
  }

  /** 0-based line holding character offset `off`. */
  lineOf(off: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  count(start: number, end: number): number {
    return countTokens(this.norm.slice(start, end));
  }

  /** [start, end) narrowed to exclude leading and trailing whitespace. */
  trim(start: number, end: number): [number, number] {
    while (start < end && isWs(this.norm[start])) start++;
    while (end > start && isWs(this.norm[end - 1])) end--;
    return [start, end];
  }

  /** Sentence spans (trimmed) of [start, end). */
  sentences(start: number, end: number): [number, number][] {
    const text = this.norm.slice(start, end);
    const out: [number, number][] = [];
    let from = 0;
    SENTENCE_END_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SENTENCE_END_RE.exec(text)) !== null) {
      const next = m.index + m[0].length;
      if (next >= text.length) break;
      if (m[1] !== undefined && LOWER_RE.test(text[next])) continue; // "e.g. foo", "3.5 mm. and"
      const [a, b] = this.trim(start + from, start + next);
      if (b > a) out.push([a, b]);
      from = next;
    }
    const [a, b] = this.trim(start + from, end);
    if (b > a) out.push([a, b]);
    return out;
  }
}
