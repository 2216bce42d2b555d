// Where a chunk starts inside the previous chunk of its section, so that consecutive chunks share up to
// `overlapTokens` of text: after whole sentences (or lines, in code, tables and lists) where they fit, else at a
// word boundary in the tail.

import { tokenPieces } from '../tokens.ts';
import { type Doc, isWs } from './doc.ts';
import type { Unit } from './split.ts';

export interface Placed {
  /** Body range in Doc.norm, overlap included. */
  start: number;
  end: number;
  /** Units [first, last] that the chunk adds (the overlap comes before units[first]). */
  first: number;
  last: number;
}

function subStarts(doc: Doc, u: Unit): number[] {
  if (u.sub === 'sentences') return doc.sentences(u.start, u.end).map(([s]) => s);
  if (u.sub === 'lines') {
    const out: number[] = [];
    const l0 = doc.lineOf(u.start);
    const l1 = doc.lineOf(Math.max(u.start, u.end - 1));
    for (let l = l0; l <= l1; l++) {
      if (doc.lines[l].trim() === '') continue;
      out.push(Math.max(u.start, doc.lineStart(l)));
    }
    return out;
  }
  return [u.start];
}

/**
 * Where the next chunk should start inside the previous one, for an overlap of at most `allowed` tokens:
 * as many whole trailing sentences (lines, in code, tables and lists) as fit; when not even one fits, the
 * tail cut at a word boundary.
 */
export function overlapStart(doc: Doc, units: Unit[], prev: Placed, allowed: number): { start: number; tokens: number } | null {
  let best: { start: number; tokens: number } | null = null;
  let tooBig = -1; // latest boundary whose tail is over `allowed`
  outer: for (let u = prev.last; u >= prev.first; u--) {
    const starts = subStarts(doc, units[u]);
    for (let k = starts.length - 1; k >= 0; k--) {
      const c = starts[k];
      if (c <= prev.start) break outer;
      if (c >= prev.end) continue;
      const t = doc.count(c, prev.end);
      if (t > allowed) {
        tooBig = c;
        break outer;
      }
      best = { start: c, tokens: t };
    }
  }
  if (best) return best;
  // Not even the last sentence fits: a word-level tail inside it (or inside the whole previous chunk, when it
  // had no inner boundary at all, e.g. one part of a hard-split sentence).
  const base = tooBig >= 0 ? tooBig : prev.start;
  const pieces = tokenPieces(doc.norm.slice(base, prev.end));
  let sum = 0;
  let k = pieces.length;
  while (k > 0 && sum + pieces[k - 1].tokens <= allowed) sum += pieces[--k].tokens;
  for (; k < pieces.length; k++) {
    if (!isWs(doc.norm[base + pieces[k].start])) continue; // not at a word start
    const [s] = doc.trim(base + pieces[k].start, prev.end);
    if (s >= prev.end) break;
    const t = doc.count(s, prev.end);
    if (t > allowed) continue;
    return { start: s, tokens: t };
  }
  return null;
}
