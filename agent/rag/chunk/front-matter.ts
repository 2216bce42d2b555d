// YAML front matter at the very top of a document: recognised only when every line up to the closing `---` or
// `...` looks like YAML, so that a leading thematic break is not taken for it; its simple `key: value` lines are
// read, and the chunker starts after it.

export interface FrontMatter {
  /** The front matter's top-level `key: value` lines; quotes around a value are removed. */
  data: Record<string, string>;
  /** 1-based line number of the first line after the front matter (1 when there is none). */
  bodyStartLine: number;
}

const FM_KEY = /^([A-Za-z0-9_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;

export function parseFrontMatter(lines: string[]): FrontMatter {
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
