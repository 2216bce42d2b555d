// Every string in a report came from a model, a dataset, a tool or a user's file names: it is text,
// never markup. On the server it goes into the page through escapeHtml; data for the page's script
// goes into one <script type="application/json"> block through jsonForScript; the page's script
// writes it with textContent only.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const SCRIPT_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON text safe inside <script type="application/json">: no `<` is left, so no `</script>` or
 * `<!--` can end or change the block, whatever the strings hold; JSON.parse reads the \u escapes
 * back as the same characters.
 */
export function jsonForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_ESCAPES[c]!);
}
