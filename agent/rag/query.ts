// Turning what a user typed into an FTS5 query that can never raise: the text is cut into words
// (letters and digits only), common English stop words are dropped, and each word is quoted and
// joined with OR. FTS5's own syntax — quotes, *, :, NEAR, -, ^, parentheses, AND/OR/NOT — is
// therefore always read as plain words or dropped, never as operators.

/** English stop words (the NLTK list plus a few question words), lower case. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
  it its itself they them their theirs themselves what which who whom this that these those am is are was were be
  been being have has had having do does did doing a an the and but if or because as until while of at by for with
  about against between into through during before after above below to from up down in out on off over under again
  further then once here there when where why how all any both each few more most other some such no nor not only
  own same so than too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn
  haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn also could would may might must shall us tell
  please get got`
    .split(/\s+/)
    .filter(Boolean),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** The searchable words of a query, lower-cased, stop words removed, first occurrence order. */
export function queryTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (!STOP_WORDS.has(word)) seen.add(word);
  }
  return [...seen];
}

/** An FTS5 MATCH expression for the query, or undefined when nothing searchable is left. */
export function ftsQuery(text: string): string | undefined {
  const terms = queryTerms(text);
  return terms.length ? terms.map((t) => `"${t}"`).join(' OR ') : undefined;
}
