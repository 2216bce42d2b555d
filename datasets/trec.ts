// TREC-format test collections (documents, topics, qrels), read as Lunar cases and knowledge
// documents, so a public collection such as Vaswani runs through the same indexer, search and
// scorers as the project's own corpus.

import { readUtf8 } from './text-file.ts';
import { parseQrels, TrecEvalError } from './trec-files.ts';
import { InputError } from '../core/errors.ts';
import { type SourceDocument } from './documents.ts';
import { Case } from './case.ts';

/** `<DOC><DOCNO>id</DOCNO> text </DOC>` blocks; the docno is the document id. */
export function readTrecDocuments(file: string): SourceDocument[] {
  const text = readUtf8(file);
  const docs: SourceDocument[] = [];
  for (const match of text.matchAll(/<DOC>\s*<DOCNO>\s*(.*?)\s*<\/DOCNO>([\s\S]*?)<\/DOC>/g)) {
    docs.push({ path: match[1]!, text: match[2]!.replace(/\s+/g, ' ').trim() });
  }
  if (docs.length === 0) throw new InputError(`${file}: no <DOC><DOCNO> blocks found`);
  return docs;
}

/** Topics as cases: `<top><num>N</num><title>text</title></top>`, judged by the qrels. */
export function readTrecTopics(topicsFile: string, qrelsFile: string, category = 'trec'): Case[] {
  const text = readUtf8(topicsFile);
  let qrels: Map<string, Map<string, number>>;
  try {
    qrels = parseQrels(readUtf8(qrelsFile), qrelsFile);
  } catch (error) {
    if (error instanceof TrecEvalError) throw new InputError(error.message);
    throw error;
  }
  const cases: Case[] = [];
  for (const match of text.matchAll(/<top>[\s\S]*?<num>\s*(?:Number:)?\s*(\S+?)\s*<\/num>[\s\S]*?<title>([\s\S]*?)<\/title>[\s\S]*?<\/top>/g)) {
    const qid = match[1]!;
    const judgments = qrels.get(qid);
    if (!judgments) continue; // trec_eval evaluates only judged queries
    cases.push(
      Case.parse({
        id: qid,
        input: match[2]!.replace(/\s+/g, ' ').trim().toLowerCase(),
        category,
        relevant: [...judgments].map(([id, grade]) => ({ id, grade })),
      }),
    );
  }
  if (cases.length === 0) throw new InputError(`${topicsFile}: no judged <top> topics found (qrels: ${qrelsFile})`);
  return cases;
}

