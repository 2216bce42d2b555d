// Model answers are written in Markdown; Telegram shows HTML (parse_mode "HTML"). This turns the
// Markdown a model most often writes — fenced code, inline code, **bold**, headings, links — into
// the HTML subset Telegram accepts, escaping everything else. Whatever it does not know stays as
// written. Every tag it writes is closed within the same piece of text, so the result is always
// balanced; if Telegram refuses it anyway, send.ts sends the text plain.

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `"` too, for attribute values. */
function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * A fenced code block: an opening fence (```lang) starting a line, the code, and a closing fence
 * starting a line — or the end of the text, as a reply split in the middle of a block leaves it.
 */
const FENCE = /(?<![^\n])```([\w+#.-]*)[^\S\n]*\n([\s\S]*?)(?:(?<![^\n])```[^\S\n]*(?![^\n])|(?![\s\S]))/g;

export function toTelegramHtml(markdown: string): string {
  let html = '';
  let last = 0;
  for (const match of markdown.matchAll(FENCE)) {
    html += inlineHtml(markdown.slice(last, match.index));
    const [, language, code] = match;
    const escaped = escapeHtml(code!.replace(/\n$/, ''));
    html += language ? `<pre><code class="language-${escapeAttribute(language)}">${escaped}</code></pre>` : `<pre>${escaped}</pre>`;
    last = match.index + match[0].length;
  }
  return html + inlineHtml(markdown.slice(last));
}

/** Text outside code fences: inline code spans are kept apart from the other rules. */
function inlineHtml(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((piece, i) => (i % 2 === 1 ? `<code>${escapeHtml(piece.slice(1, -1))}</code>` : markup(escapeHtml(piece))))
    .join('');
}

/**
 * Rules applied to already-escaped text, so the only `<` and `>` in it are tags written here.
 * Bold never spans a tag, which keeps the tags nested properly.
 */
function markup(escaped: string): string {
  return escaped
    .replace(/^#{1,6}[^\S\n]+(.+?)[^\S\n]*#*$/gm, (_, title: string) => `<b>${title.replace(/\*\*/g, '')}</b>`)
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s()<>]+)\)/g, (_, label: string, url: string) => `<a href="${url.replace(/"/g, '&quot;')}">${label}</a>`)
    .replace(/\*\*(?=[^\s*<>])([^*\n<>]*?[^\s*<>])\*\*/g, '<b>$1</b>');
}
