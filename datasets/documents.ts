// A document of a knowledge corpus, as the indexer reads it, whatever it came from (a markdown
// folder, a TREC collection, memory notes).

export interface SourceDocument {
  /** Document id: a corpus-relative path with forward slashes, or a collection's docno. */
  path: string;
  text: string;
}
