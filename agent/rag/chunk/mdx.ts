// MDX is markdown with JSX in it: `import`/`export` lines, components such as
// `<Callout type="info">…</Callout>`, and `{/* comments */}`. Indexed as it is, that markup is
// chunk text: it takes tokens, matches queries for "type" or "info", and ends up quoted to the
// model. This keeps the prose between the tags and drops the rest. Every line stays where it
// was (removed markup leaves its line breaks), so a chunk's line range still points into the
// file; fenced code blocks and inline code spans are kept as written (a page about JSX quotes it).

/** A JSX or HTML tag, opening, closing or self-closing, with attributes (braced values one level deep); fragments too. */
const TAG = /<\/?(?:[A-Za-z][\w.:-]*(?:\s(?:[^<>{}"']|"[^"]*"|'[^']*'|\{(?:[^{}]|\{[^{}]*\})*\})*)?)?\/?>/g;
/** A JSX comment. */
const COMMENT = /\{\/\*[\s\S]*?\*\/\}/g;
/** An ESM line of MDX: `import … from '…'`, `export const …`. */
const ESM = /^(?:import|export)\s/;
const FENCE = /^\s*(```|~~~)/;

export function isMdx(path: string): boolean {
  return /\.mdx$/i.test(path);
}

/** The text with JSX tags, JSX comments and import/export lines blanked out, line breaks kept. */
export function stripMdx(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let prose: string[] = [];
  let fence: string | undefined;
  let esm = false;
  // ESM starts a paragraph: the first line, after a blank line, or right after front matter.
  let paragraphStart = true;
  const flush = () => {
    if (prose.length) out.push(...stripProse(prose.join('\n')).split('\n'));
    prose = [];
  };
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      out.push(line);
      if (marker === fence) fence = undefined;
    } else if (marker) {
      flush();
      fence = marker;
      out.push(line);
    } else if (esm || (paragraphStart && ESM.test(line))) {
      // An import or export statement runs until a blank line (MDX's rule for ESM blocks).
      flush();
      esm = line.trim() !== '';
      out.push('');
    } else {
      prose.push(line);
    }
    paragraphStart = line.trim() === '' || line.trim() === '---';
  }
  flush();
  return out.join('\n');
}

/** Prose outside code fences: tags and comments removed, inline code spans untouched. */
function stripProse(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(COMMENT, blank).replace(TAG, blank)))
    .join('');
}

/** What stands in for removed markup: its line breaks, so later lines keep their numbers. */
function blank(markup: string): string {
  return markup.replace(/[^\n]/g, '');
}
