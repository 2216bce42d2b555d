// A document's markdown sections: each line classified as blank, text, ATX heading or fenced code (so that `#`
// lines inside a fence are not headings), and the body lines between headings with the trail of headings above
// them. Setext headings are not recognised: only ATX headings split.

export const BLANK = 0;
export const TEXT = 1;
const HEADING = 2;
export const FENCE_OPEN = 3;
export const FENCE_INNER = 4; // body and closing line of a fence

const HEADING_RE = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
// Fences are recognised at any indentation, so that fences inside list items protect their `#` lines too.
const FENCE_RE = /^[ \t]*(`{3,}|~{3,})(.*)$/;

function headingTitle(rest: string | undefined): string {
  if (!rest) return '';
  // Drop an optional closing sequence of #s (it must follow a space, or be all there is).
  return rest.replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
}

export interface Classified {
  kind: Uint8Array;
  /** For a FENCE_OPEN line: the index of its last line (the closing fence, or the document's last line). */
  fenceEnd: Int32Array;
}

export function classify(lines: string[], from: number): Classified {
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

export interface Section {
  trail: string[];
  /** Body lines, 0-based inclusive (the heading line itself excluded). */
  from: number;
  to: number;
}

export function sections(lines: string[], cls: Classified, bodyStart: number): Section[] {
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
