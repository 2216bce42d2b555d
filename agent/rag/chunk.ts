// Markdown-aware chunking for the RAG index: what the rest of Lunar calls (chunkMarkdown, chunkBody,
// frontMatter, the options, their defaults and CHUNKER_VERSION), the heading-trail line each chunk starts with,
// and the packing of a section's units into chunks. The steps it packs from are in chunk/: front matter
// (front-matter.ts), headings and sections (sections.ts), blocks (blocks.ts), units that fit a budget
// (split.ts) and where an overlap starts (overlap.ts), all over one normalised text (doc.ts).

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

import { countTokens } from './tokens.ts';
import type { Chunk } from './types.ts';
import { blocksOf, groupsOf } from './chunk/blocks.ts';
import { Doc, splitLines } from './chunk/doc.ts';
import { type FrontMatter, parseFrontMatter } from './chunk/front-matter.ts';
import { overlapStart, type Placed } from './chunk/overlap.ts';
import { classify, sections } from './chunk/sections.ts';
import { Splitter, type Unit } from './chunk/split.ts';


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
// 2: .mdx files are indexed without their JSX (chunk/mdx.ts).
export const CHUNKER_VERSION = 2;
export const MIN_MAX_TOKENS = 16;
/** Separator between the headings of the trail line. */
export const TRAIL_SEPARATOR = ' > ';

/** YAML front matter at the top of `text` (simple `key: value` lines only) and where the body starts. */
export function frontMatter(text: string): FrontMatter {
  return parseFrontMatter(splitLines(text));
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
