// A section's blocks: runs of lines between blank lines, each a fenced code block (whole, whatever blank lines it
// holds), a list, a table or prose, and the groups they form when a list runs on over blank lines (a loose list
// with its indented continuation blocks). Blocks and groups are the largest units a section is split into.

import type { Doc } from './doc.ts';
import { BLANK, type Classified, FENCE_INNER, FENCE_OPEN, TEXT } from './sections.ts';

type BlockKind = 'prose' | 'list' | 'code' | 'table';

export interface Block {
  from: number;
  to: number;
  kind: BlockKind;
}

export const LIST_ITEM_RE = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const TABLE_DELIM_RE = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

function classifyBlock(lines: string[], from: number, to: number): BlockKind {
  if (LIST_ITEM_RE.test(lines[from]) && /^ {0,3}\S/.test(lines[from])) return 'list';
  if (to > from && lines[from].includes('|') && lines[from + 1].includes('|') && TABLE_DELIM_RE.test(lines[from + 1])) {
    return 'table';
  }
  return 'prose';
}

export function blocksOf(doc: Doc, cls: Classified, from: number, to: number): Block[] {
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
export function groupsOf(doc: Doc, blocks: Block[]): Block[][] {
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
