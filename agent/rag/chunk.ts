// Markdown-aware chunking for the RAG index.
//
// A document is cut into sections at ATX headings (`#`..`######`, not inside fenced code), and each section is
// chunked on its own, so a chunk never spans two sections and small sections are never merged. A section's
// budget is maxTokens minus the tokens of its heading line (below). Within a section:
//
//   1. Blocks: runs of lines between blank lines; a fenced code block (``` or ~~~) is one block whatever blank
//      lines it holds; consecutive list blocks (a loose list, with its indented continuation blocks) form one
//      group. A block or group that fits the budget is one unit.
//   2. A group too big splits into its blocks; a prose block too big splits into sentences; a code block or
//      table too big into lines; a list too big into items (and an item too big into sentences).
//   3. A sentence or line still too big splits on token pieces, at word boundaries where it can (last resort),
//      into parts of budget - overlapTokens, leaving room for the overlap.
//   4. Consecutive units are packed greedily into chunks of at most the budget. Each chunk after the first of
//      a section starts with up to `overlapTokens` of the previous chunk's tail: as many whole sentences (lines,
//      for code, tables and lists) as fit; only when not even the last one fits, a tail cut at a word boundary.
//      The overlap counts inside the budget; it is left out when the next unit leaves less than a quarter of
//      `overlapTokens` of room (a unit close to the budget is not split just to make room for it).
//
// Heading trail. Each chunk's text starts with the trail line, e.g. "Billing > Refunds\n\n", then the body.
// BM25 and embedders then see the section title with every chunk of the section, which is what makes a chunk
// like "Within 30 days, full amount." findable for "refund policy". The trail is also in Chunk.headings, and
// chunkBody() strips it again. A trail line longer than a quarter of maxTokens drops its outermost headings
// until it fits (or is left out), so it never eats the body's budget.
//
// Guarantees, for every chunk c of chunkMarkdown(path, text, { maxTokens }):
//   - c.tokens === countTokens(c.text): the real count of the whole text, heading line included (not a sum of
//     parts), and c.tokens <= maxTokens. The heading line is inside the budget, not on top of it.
//   - chunkBody(c) (the text without the heading line) is a verbatim slice of the document with its line endings
//     normalised to "\n": it starts on line c.startLine and ends on line c.endLine (1-based, inclusive, counted
//     in the original file, front matter included), overlap included.
//
// Lines are split at "\n" and "\r\n" (a lone "\r" is not a line break, as for git and grep). A leading BOM is
// dropped. YAML front matter (--- ... --- or ...) at the very top is not chunked; frontMatter() reads its simple
// `key: value` lines. Setext headings (underlined with === or ---) are not recognised: only ATX headings split.
// Sentence boundaries are a punctuation heuristic ([.!?…] followed by space and not by a lowercase letter, or
// CJK 。！？), deterministic and locale-independent; a wrong split only moves a chunk or overlap boundary.
// Fence lines are recognised at any indentation (so fences inside list items protect their `#` lines); an
// unclosed fence runs to the end of the document. When a code block or table must be split, its parts are
// plain slices: a later part does not repeat the opening fence or the table's header row.

import { countTokens, isLowSurrogate, tokenPieces } from './tokens.ts';
import type { Chunk } from './types.ts';

export { countTokens } from './tokens.ts';

export interface ChunkOptions {
  /** Upper bound on Chunk.tokens, heading line included. Default 400; at least 16. */
  maxTokens?: number;
  /** Target size of the overlap between consecutive chunks of one section. Default 80; capped at maxTokens / 2. */
  overlapTokens?: number;
}

export const DEFAULT_MAX_TOKENS = 400;
export const DEFAULT_OVERLAP_TOKENS = 80;
/**
 * Bump when a change here cuts the same document differently: an index records the version it was
 * chunked with, and re-chunks every document when it differs (indexer.ts).
 */
export const CHUNKER_VERSION = 1;
export const MIN_MAX_TOKENS = 16;
/** Separator between the headings of the trail line. */
export const TRAIL_SEPARATOR = ' > ';

// ---------------------------------------------------------------------------------------------------------------
// Lines and front matter

function splitLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r?\n/);
}

export interface FrontMatter {
  /** The front matter's top-level `key: value` lines; quotes around a value are removed. */
  data: Record<string, string>;
  /** 1-based line number of the first line after the front matter (1 when there is none). */
  bodyStartLine: number;
}

const FM_KEY = /^([A-Za-z0-9_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;

function parseFrontMatter(lines: string[]): FrontMatter {
  const none: FrontMatter = { data: {}, bodyStartLine: 1 };
  if (lines.length < 2 || lines[0].trimEnd() !== '---') return none;
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].trimEnd();
    if (l === '---' || l === '...') {
      close = i;
      break;
    }
    // Only YAML-looking lines: keys, indented continuations, list items, comments. Anything else means the
    // opening `---` was a thematic break, not front matter.
    if (l.trim() === '' || FM_KEY.test(l) || /^[ \t]/.test(l) || /^-( |$)/.test(l) || l.startsWith('#')) continue;
    return none;
  }
  if (close < 0) return none;
  const data: Record<string, string> = {};
  for (let i = 1; i < close; i++) {
    const m = FM_KEY.exec(lines[i].trimEnd());
    if (!m) continue;
    let value = (m[2] ?? '').trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else value = value.replace(/[ \t]+#.*$/, '');
    data[m[1]] = value;
  }
  return { data, bodyStartLine: close + 2 };
}

/** YAML front matter at the top of `text` (simple `key: value` lines only) and where the body starts. */
export function frontMatter(text: string): FrontMatter {
  return parseFrontMatter(splitLines(text));
}

// ---------------------------------------------------------------------------------------------------------------
// Line classification: headings and fenced code

const BLANK = 0;
const TEXT = 1;
const HEADING = 2;
const FENCE_OPEN = 3;
const FENCE_INNER = 4; // body and closing line of a fence

const HEADING_RE = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
// Fences are recognised at any indentation, so that fences inside list items protect their `#` lines too.
const FENCE_RE = /^[ \t]*(`{3,}|~{3,})(.*)$/;

function headingTitle(rest: string | undefined): string {
  if (!rest) return '';
  // Drop an optional closing sequence of #s (it must follow a space, or be all there is).
  return rest.replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
}

interface Classified {
  kind: Uint8Array;
  /** For a FENCE_OPEN line: the index of its last line (the closing fence, or the document's last line). */
  fenceEnd: Int32Array;
}

function classify(lines: string[], from: number): Classified {
  const n = lines.length;
  const kind = new Uint8Array(n);
  const fenceEnd = new Int32Array(n).fill(-1);
  for (let i = from; i < n; i++) {
    const line = lines[i];
    const f = FENCE_RE.exec(line);
    if (f && !(f[1][0] === '`' && f[2].includes('`'))) {
      const ch = f[1][0];
      const len = f[1].length;
      let j = i + 1;
      for (; j < n; j++) {
        const c = FENCE_RE.exec(lines[j]);
        if (c && c[1][0] === ch && c[1].length >= len && c[2].trim() === '') break;
      }
      const end = Math.min(j, n - 1); // unclosed: runs to the end of the document, as in CommonMark
      kind[i] = FENCE_OPEN;
      fenceEnd[i] = end;
      for (let k = i + 1; k <= end; k++) kind[k] = FENCE_INNER;
      i = end;
      continue;
    }
    if (line.trim() === '') kind[i] = BLANK;
    else if (HEADING_RE.test(line)) kind[i] = HEADING;
    else kind[i] = TEXT;
  }
  return { kind, fenceEnd };
}

interface Section {
  trail: string[];
  /** Body lines, 0-based inclusive (the heading line itself excluded). */
  from: number;
  to: number;
}

function sections(lines: string[], cls: Classified, bodyStart: number): Section[] {
  const out: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let trail: string[] = [];
  let from = bodyStart;
  for (let i = bodyStart; i < lines.length; i++) {
    if (cls.kind[i] !== HEADING) continue;
    if (from <= i - 1) out.push({ trail, from, to: i - 1 });
    const m = HEADING_RE.exec(lines[i])!;
    const level = m[1].length;
    while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
    stack.push({ level, title: headingTitle(m[2]) });
    trail = stack.map((h) => h.title).filter((t) => t !== '');
    from = i + 1;
  }
  if (from <= lines.length - 1) out.push({ trail, from, to: lines.length - 1 });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Units

type BlockKind = 'prose' | 'list' | 'code' | 'table';

interface Block {
  from: number;
  to: number;
  kind: BlockKind;
}

/** How a unit can be entered part-way, for the overlap: at sentence starts, line starts, or only at its start. */
type Sub = 'sentences' | 'lines' | 'none';

interface Unit {
  start: number;
  end: number;
  tokens: number;
  sub: Sub;
}

const LIST_ITEM_RE = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const TABLE_DELIM_RE = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const SENTENCE_END_RE = /([.!?…]+["'”’)\]]*\s+)|([。！？]+["'”’」』)\]]*\s*)/gu;
const LOWER_RE = /\p{Ll}/u;
const WS_RE = /\s/;

function isWs(ch: string | undefined): boolean {
  return ch !== undefined && WS_RE.test(ch);
}

/** Everything chunkMarkdown needs about one document, shared by the helpers below. */
class Doc {
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

function classifyBlock(lines: string[], from: number, to: number): BlockKind {
  if (LIST_ITEM_RE.test(lines[from]) && /^ {0,3}\S/.test(lines[from])) return 'list';
  if (to > from && lines[from].includes('|') && lines[from + 1].includes('|') && TABLE_DELIM_RE.test(lines[from + 1])) {
    return 'table';
  }
  return 'prose';
}

function blocksOf(doc: Doc, cls: Classified, from: number, to: number): Block[] {
  const out: Block[] = [];
  let k = from;
  while (k <= to) {
    const kind = cls.kind[k];
    if (kind === BLANK) {
      k++;
    } else if (kind === FENCE_OPEN) {
      const end = Math.min(cls.fenceEnd[k], to);
      let last = end;
      while (last > k && cls.kind[last] === FENCE_INNER && doc.lines[last].trim() === '') last--; // unclosed fence
      out.push({ from: k, to: last, kind: 'code' });
      k = end + 1;
    } else {
      // TEXT (a stray FENCE_INNER cannot start here: fences are consumed whole).
      let j = k;
      while (j + 1 <= to && cls.kind[j + 1] === TEXT) j++;
      out.push({ from: k, to: j, kind: classifyBlock(doc.lines, k, j) });
      k = j + 1;
    }
  }
  return out;
}

/** Blocks grouped: a list block absorbs the following list blocks and indented blocks (a loose list). */
function groupsOf(doc: Doc, blocks: Block[]): Block[][] {
  const out: Block[][] = [];
  for (const b of blocks) {
    const last = out[out.length - 1];
    if (last && last[0].kind === 'list' && (b.kind === 'list' || /^(?: {2,}|\t)\S/.test(doc.lines[b.from]))) {
      last.push(b);
    } else {
      out.push([b]);
    }
  }
  return out;
}

/**
 * Splits spans into units of at most `budget` tokens each. Blocks, items, sentences and lines are kept whole when
 * they fit `budget`; the parts of a last-resort split are cut to `partBudget` (budget minus the overlap), so that
 * the chunks holding them keep room for the overlap from the previous part.
 */
class Splitter {
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

// ---------------------------------------------------------------------------------------------------------------
// Packing and overlap

interface Placed {
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
function overlapStart(doc: Doc, units: Unit[], prev: Placed, allowed: number): { start: number; tokens: number } | null {
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

function sepTokens(doc: Doc, from: number, to: number): number {
  return doc.norm.slice(from, to).includes('\n') ? 1 : 0;
}

/** Text a chunk starts with for its heading trail: the longest suffix of the trail that fits in maxTokens / 4. */
function trailPrefix(trail: string[], maxTokens: number): { prefix: string; tokens: number } {
  const cap = Math.floor(maxTokens / 4);
  for (let k = 0; k < trail.length; k++) {
    const prefix = trail.slice(k).join(TRAIL_SEPARATOR) + '\n\n';
    const tokens = countTokens(prefix);
    if (tokens <= cap) return { prefix, tokens };
  }
  return { prefix: '', tokens: 0 };
}

/** The chunk's text without its heading-trail line (what the file says, from startLine to endLine). */
export function chunkBody(chunk: Pick<Chunk, 'text' | 'headings'>): string {
  const h = chunk.headings;
  for (let k = 0; k < h.length; k++) {
    const prefix = h.slice(k).join(TRAIL_SEPARATOR) + '\n\n';
    if (chunk.text.startsWith(prefix)) return chunk.text.slice(prefix.length);
  }
  return chunk.text;
}

function validate(options: ChunkOptions | undefined): { maxTokens: number; overlapTokens: number } {
  const maxTokens = options?.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlap = options?.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < MIN_MAX_TOKENS) {
    throw new RangeError(`chunkMarkdown: maxTokens must be an integer >= ${MIN_MAX_TOKENS}, got ${maxTokens}`);
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new RangeError(`chunkMarkdown: overlapTokens must be a non-negative integer, got ${overlap}`);
  }
  return { maxTokens, overlapTokens: Math.min(overlap, Math.floor(maxTokens / 2)) };
}

/**
 * Cut a markdown document into chunks of at most `maxTokens` cl100k_base tokens (heading line included), one
 * section at a time. See the header of this file for the rules and guarantees.
 */
export function chunkMarkdown(path: string, text: string, options?: ChunkOptions): Chunk[] {
  const { maxTokens, overlapTokens } = validate(options);
  const lines = splitLines(text);
  const doc = new Doc(lines);
  const bodyStart = parseFrontMatter(lines).bodyStartLine - 1;
  const cls = classify(lines, bodyStart);
  const chunks: Chunk[] = [];

  for (const section of sections(lines, cls, bodyStart)) {
    const blocks = blocksOf(doc, cls, section.from, section.to);
    if (blocks.length === 0) continue; // heading only: it lives on in its subsections' trails
    const { prefix, tokens: prefixTokens } = trailPrefix(section.trail, maxTokens);
    const budget = maxTokens - prefixTokens;
    const splitter = new Splitter(doc, budget, Math.max(budget - overlapTokens, Math.ceil(budget / 2)));
    const units: Unit[] = [];
    for (const g of groupsOf(doc, blocks)) splitter.group(g, units);

    let prev: Placed | null = null;
    let i = 0;
    while (i < units.length) {
      let start = units[i].start;
      let est = 0;
      if (prev && overlapTokens > 0) {
        const room = budget - units[i].tokens - sepTokens(doc, prev.end, units[i].start);
        const allowed = Math.min(overlapTokens, room);
        if (allowed * 4 >= overlapTokens && allowed > 0) {
          const ov = overlapStart(doc, units, prev, allowed);
          if (ov) {
            start = ov.start;
            est = ov.tokens + sepTokens(doc, prev.end, units[i].start);
          }
        }
      }
      let j = i;
      while (j < units.length) {
        const add = units[j].tokens + (j > i ? sepTokens(doc, units[j - 1].end, units[j].start) : 0);
        if (j > i && est + add > budget) break;
        est += add;
        j++;
      }
      // Exact check of the real text; estimates can be off by a token at unit boundaries.
      let body = '';
      let chunkText = '';
      let tokens = 0;
      for (;;) {
        body = doc.norm.slice(start, units[j - 1].end);
        chunkText = prefix + body;
        tokens = countTokens(chunkText);
        if (tokens <= maxTokens) break;
        if (j - 1 > i) j--;
        else if (start < units[i].start) start = units[i].start;
        else break;
      }
      if (tokens > maxTokens) {
        // One unit that fits the budget alone but not once prefixed. Unreachable as far as we know (the prefix
        // ends in "\n\n" and the body starts with a non-blank line, so no token spans the seam), but if it
        // happens, split the unit smaller rather than break the size guarantee.
        const u = units[i];
        const parts: Unit[] = [];
        splitter.hard(u.start, u.end, Math.max(1, u.tokens - (tokens - maxTokens) - 1), parts);
        if (parts.length > 1) {
          units.splice(i, 1, ...parts);
          continue;
        }
      }
      chunks.push({
        path,
        index: chunks.length,
        text: chunkText,
        headings: [...section.trail],
        startLine: doc.lineOf(start) + 1,
        endLine: doc.lineOf(start + body.length - 1) + 1,
        tokens,
      });
      prev = { start, end: units[j - 1].end, first: i, last: j - 1 };
      i = j;
    }
  }
  return chunks;
}
