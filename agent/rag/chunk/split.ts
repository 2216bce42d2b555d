// Splitting a section into units that each fit the token budget: a group or block whole when it fits, else its
// blocks, list items, sentences or lines, and as a last resort cuts between token pieces (at word boundaries
// where it can) or between code points. Parts of a code block or table are plain slices: a later part does not
// repeat the opening fence or the table's header row.

import { countTokens, isLowSurrogate, tokenPieces } from '../tokens.ts';
import { type Block, LIST_ITEM_RE } from './blocks.ts';
import { type Doc, isWs } from './doc.ts';

/** How a unit can be entered part-way, for the overlap: at sentence starts, line starts, or only at its start. */
type Sub = 'sentences' | 'lines' | 'none';

export interface Unit {
  start: number;
  end: number;
  tokens: number;
  sub: Sub;
}

/**
 * Splits spans into units of at most `budget` tokens each. Blocks, items, sentences and lines are kept whole when
 * they fit `budget`; the parts of a last-resort split are cut to `partBudget` (budget minus the overlap), so that
 * the chunks holding them keep room for the overlap from the previous part.
 */
export class Splitter {
  constructor(
    private readonly doc: Doc,
    private readonly budget: number,
    private readonly partBudget: number = budget,
  ) {}

  group(group: Block[], out: Unit[]): void {
    if (group.length === 1) return this.block(group[0], out);
    const start = this.doc.lineStart(group[0].from);
    const end = this.doc.lineEnd(group[group.length - 1].to);
    const tokens = this.doc.count(start, end);
    if (tokens <= this.budget) out.push({ start, end, tokens, sub: 'lines' });
    else for (const b of group) this.block(b, out);
  }

  block(b: Block, out: Unit[]): void {
    const doc = this.doc;
    const start = doc.lineStart(b.from);
    const end = doc.lineEnd(b.to);
    const tokens = doc.count(start, end);
    if (tokens <= this.budget) {
      out.push({ start, end, tokens, sub: b.kind === 'prose' ? 'sentences' : 'lines' });
      return;
    }
    if (b.kind === 'prose') return this.prose(start, end, out);
    if (b.kind === 'list') {
      let item = b.from;
      for (let i = b.from + 1; i <= b.to + 1; i++) {
        if (i <= b.to && !LIST_ITEM_RE.test(doc.lines[i])) continue;
        const [s, e] = doc.trim(doc.lineStart(item), doc.lineEnd(i - 1));
        if (e > s) {
          const t = doc.count(s, e);
          if (t <= this.budget) out.push({ start: s, end: e, tokens: t, sub: 'sentences' });
          else this.prose(s, e, out);
        }
        item = i;
      }
      return;
    }
    // code, table: line by line
    for (let i = b.from; i <= b.to; i++) {
      if (doc.lines[i].trim() === '') continue;
      const s = doc.lineStart(i);
      const e = doc.trim(s, doc.lineEnd(i))[1];
      const t = doc.count(s, e);
      if (t <= this.budget) out.push({ start: s, end: e, tokens: t, sub: 'none' });
      else this.hard(s, e, this.partBudget, out);
    }
  }

  prose(start: number, end: number, out: Unit[]): void {
    for (const [s, e] of this.doc.sentences(start, end)) {
      const t = this.doc.count(s, e);
      if (t <= this.budget) out.push({ start: s, end: e, tokens: t, sub: 'none' });
      else this.hard(s, e, this.partBudget, out);
    }
  }

  /** Last resort: cut [start, end) between token pieces, at word boundaries where possible. */
  hard(start: number, end: number, budget: number, out: Unit[]): void {
    const doc = this.doc;
    const pieces = tokenPieces(doc.norm.slice(start, end));
    const n = pieces.length;
    const cum = new Array<number>(n + 1);
    cum[0] = 0;
    for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + pieces[i].tokens;
    const wordStart = (i: number) => isWs(doc.norm[start + pieces[i].start]);
    let a = 0;
    while (a < n) {
      const [ps] = doc.trim(start + pieces[a].start, start + pieces[a].end);
      if (ps >= start + pieces[a].end) {
        a++; // whitespace-only piece between parts
        continue;
      }
      if (pieces[a].tokens > budget) {
        this.chars(ps, start + pieces[a].end, budget, out);
        a++;
        continue;
      }
      let b = a + 1;
      while (b < n && cum[b + 1] - cum[a] <= budget) b++;
      if (b < n) {
        // Prefer to end before a piece that starts a word, unless that gives away more than half the part.
        let w = b;
        while (w > a + 1 && !wordStart(w)) w--;
        if (wordStart(w) && (w - a) * 2 >= b - a) b = w;
      }
      for (;;) {
        const [s, e] = doc.trim(ps, start + pieces[b - 1].end);
        const t = doc.count(s, e);
        if (t <= budget) {
          if (e > s) out.push({ start: s, end: e, tokens: t, sub: 'none' });
          break;
        }
        if (b === a + 1) {
          this.chars(s, e, budget, out);
          break;
        }
        b--;
      }
      a = b;
    }
  }

  /** Cut [start, end) at code-point boundaries into parts of at most `budget` tokens. */
  chars(start: number, end: number, budget: number, out: Unit[]): void {
    const norm = this.doc.norm;
    let s = start;
    while (s < end) {
      let lo = s + 1;
      if (lo < end && isLowSurrogate(norm.charCodeAt(lo))) lo++;
      let hi = end;
      // Largest cut in [lo, hi] whose part fits (a single code point always fits: at most 4 tokens < budget).
      while (lo < hi) {
        let mid = (lo + hi + 1) >> 1;
        if (mid < end && isLowSurrogate(norm.charCodeAt(mid))) mid--;
        if (mid <= lo) mid = lo + 1 < end && isLowSurrogate(norm.charCodeAt(lo + 1)) ? lo + 2 : lo + 1;
        if (mid > hi) break;
        if (countTokens(norm.slice(s, mid)) <= budget) lo = mid;
        else hi = mid - 1;
      }
      let e = lo;
      if (e < end && isLowSurrogate(norm.charCodeAt(e))) e++;
      const t = countTokens(norm.slice(s, e));
      out.push({ start: s, end: e, tokens: t, sub: 'none' });
      s = e;
    }
  }
}
