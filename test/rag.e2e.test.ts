// Retrieval end to end: the lunar index/search commands, the knowledge tool inside the agent
// loop with citations in the Trace, and the Vaswani collection scored two ways that must agree.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineModel } from '../agent/baseline/model.ts';
import { runAgent } from '../agent/loop.ts';
import { HashEmbedder } from '../agent/rag/embedders/hash.ts';
import { createEmbedder } from '../agent/rag/embedders/registry.ts';
import { IndexStore } from '../agent/rag/index-store.ts';
import { indexDocuments, indexFolder } from '../agent/rag/indexer.ts';
import { search, type SearchConfigInput } from '../agent/rag/search.ts';
import type { EmbedKind, EmbedUsage, Embedder } from '../agent/rag/types.ts';
import { searchKnowledgeTool } from '../agent/tools/search_knowledge.ts';
import { ToolRegistry } from '../agent/tools/tool.ts';
import { loadDataset } from '../datasets/load.ts';
import { readTrecDocuments, readTrecTopics } from '../datasets/trec.ts';
import { evaluate, formatFixed4 } from '../metrics/retrieval.ts';
import { parseQrels, parseRun } from '../datasets/trec-files.ts';
import { createScorer } from '../judges/registry.ts';
import { mean } from '../metrics/stats.ts';
import { referenceData } from './reference-data.ts';

const root = resolve(import.meta.dirname, '..');
const corpus = join(root, 'datasets', 'corpus');
const VASWANI = referenceData('vaswani');
const run = promisify(execFile);
const lunar = (args: string[]) => run('node', [join(root, 'bin', 'lunar.js'), ...args], { cwd: root, env: { ...process.env, CI: '' } });

/** Two markdown pages and a binary file with a .md name, in <tmp>/docs. */
function smallCorpus(): string {
  const docs = join(mkdtempSync(join(tmpdir(), 'lunar-index-')), 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'sync.md'), '# Sync\n\nIf sync stalls, sign out and sign in again.\n');
  writeFileSync(join(docs, 'refunds.md'), '# Refunds\n\nRefunds are given within 30 days.\n');
  writeFileSync(join(docs, 'logo.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
  return docs;
}

/** The small corpus indexed in-process with the given hash embedder; returns the index path. */
async function apiIndex(embedderId: string): Promise<string> {
  const docs = smallCorpus();
  const embedder = createEmbedder(embedderId);
  const index = join(docs, '..', 'index.db');
  const store = new IndexStore(index, embedder.id);
  await indexFolder(store, embedder, docs);
  store.close();
  return index;
}

describe('lunar index and lunar search', () => {
  it('index the handbook, skip it unchanged the second time, and print ranked chunks with a score breakdown', async () => {
    const index = join(mkdtempSync(join(tmpdir(), 'lunar-index-')), 'index.db');
    const first = await lunar(['index', corpus, '--index', index]);
    expect(first.stdout).toMatch(/: 38 added, 0 updated, 0 removed, 0 unchanged; \d+ chunks written/);
    const second = await lunar(['index', corpus, '--index', index]);
    expect(second.stdout).toMatch(/: 0 added, 0 updated, 0 removed, 38 unchanged; 0 chunks written/);
    const found = await lunar(['search', 'What does a Pro plan cost per month?', '--index', index, '--mode', 'bm25', '-k', '3']);
    expect(found.stdout).toMatch(/^1\. \S+\.md:\d+-\d+ /m);
    expect(found.stdout).toMatch(/score \d+\.\d{4} \(bm25 \d+\.\d{4}/);
    const json = JSON.parse((await lunar(['search', 'refund window', '--index', index, '--json', '-k', '2'])).stdout);
    expect(json).toHaveLength(2);
    expect(json[0]).toHaveProperty('breakdown');
  }, 120_000);

  it('lunar index warns about skipped files on stderr, shows progress, and prints what embedding cost', async () => {
    const docs = smallCorpus();
    const built = await lunar(['index', docs, '--index', join(docs, '..', 'index.db'), '--embedder', 'hash:128']);
    expect(built.stderr).toContain('warning: skipped logo.md: binary file');
    expect(built.stderr).toMatch(/^2\/2 documents, [\d.]+s elapsed/m); // not a terminal: plain lines
    expect(built.stdout).toMatch(/: 2 added, .* 2 chunks written \(2 embedded, 0 from cache\)/);
    expect(built.stdout).toContain('embedder hash:128: local, no requests, no cost');
  }, 120_000);

  it('lunar search embeds with the index’s own embedder by default, and takes -k 2000 (over vec0’s 4096 candidates)', async () => {
    const index = await apiIndex('hash:128');
    const found = JSON.parse((await lunar(['search', 'sync stalls', '--index', index, '-k', '2000', '--json'])).stdout);
    expect(found.map((h: { path: string }) => h.path)).toEqual(['sync.md', 'refunds.md']);
  }, 120_000);

  it('lunar index --rebuild checks the embedder before touching the index, and keeps the embedding cache', async () => {
    const index = await apiIndex('hash:128');
    const docs = join(index, '..', 'docs');
    const refused = await lunar(['index', docs, '--index', index, '--rebuild', '--embedder', 'nonsense']).catch((e) => e);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unknown embedder "nonsense"/);
    const kept = new IndexStore(index, 'hash:128');
    expect(kept.counts()).toEqual({ documents: 2, chunks: 2 });
    kept.close();
    const rebuilt = await lunar(['index', docs, '--index', index, '--rebuild']);
    expect(rebuilt.stdout).toMatch(/: 2 added, 0 updated, 0 removed, 0 unchanged; 2 chunks written \(0 embedded, 2 from cache\)/);
  }, 120_000);

  it('says to re-index when the index was built with another embedder', async () => {
    const index = join(mkdtempSync(join(tmpdir(), 'lunar-index-')), 'index.db');
    await lunar(['index', corpus, '--index', index]);
    const failed = await lunar(['search', 'refund', '--index', index, '--embedder', 'hash:128']).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/built with embedder hash:384 .*re-index/);
  }, 120_000);
});

describe('the knowledge tool in the agent loop', () => {
  it('puts every retrieved chunk in the Trace and the chunks the answer cites in its citations', async () => {
    const embedder = new HashEmbedder();
    const store = new IndexStore(join(mkdtempSync(join(tmpdir(), 'lunar-kb-')), 'index.db'), embedder.id);
    await indexFolder(store, embedder, corpus);
    const tools = new ToolRegistry([searchKnowledgeTool({ store, embedder, search: { mode: 'bm25', k: 3 } })]);
    const trace = await runAgent({ model: new BaselineModel(), tools, messages: [{ role: 'user', content: 'How long is the refund window?' }], workspaceRoot: root });
    store.close();
    expect(trace.stopReason).toBe('final');
    expect(trace.toolCalls[0]).toMatchObject({ name: 'search_knowledge' });
    expect(trace.retrieved).toHaveLength(3);
    expect(trace.retrieved[0]).toMatchObject({ toolCallId: trace.toolCalls[0]!.id });
    expect(trace.retrieved[0]!.id).toMatch(/\.md#\d+$/);
    // The baseline quotes the passages with their labels, so it cites all three.
    expect(trace.citations).toEqual(trace.retrieved.map((r) => r.id));
  });

  it('reports what embedding the query cost, nothing once the index has cached it', async () => {
    const hash = new HashEmbedder();
    // A priced remote embedder, simulated: hash vectors at $0.0001 a request.
    const priced: Embedder & { usage: EmbedUsage } = {
      id: hash.id,
      dimensions: hash.dimensions,
      usage: { requests: 0, retries: 0, inputTokens: 0, tokensEstimated: false, costUsd: 0 },
      async embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal, usage?: EmbedUsage) {
        for (const u of [this.usage, usage]) if (u) Object.assign(u, { requests: u.requests + 1, inputTokens: u.inputTokens + texts.length, costUsd: u.costUsd + 0.0001 });
        return hash.embed(texts, kind, signal);
      },
    };
    const store = new IndexStore(join(mkdtempSync(join(tmpdir(), 'lunar-kb-')), 'index.db'), hash.id);
    await indexFolder(store, hash, corpus);
    const tool = searchKnowledgeTool({ store, embedder: priced, search: { mode: 'hybrid', k: 2 } });
    const context = { workspaceRoot: root, signal: new AbortController().signal, now: () => new Date() };
    const first = await tool.run({ query: 'How long is the refund window?' }, context);
    const again = await tool.run({ query: 'How long is the refund window?' }, context);
    const bm25 = await searchKnowledgeTool({ store, embedder: priced, search: { mode: 'bm25', k: 2 } }).run({ query: 'refund window' }, context);
    store.close();
    expect(first.embedding).toEqual({ cached: false, usage: { requests: 1, retries: 0, inputTokens: 1, tokensEstimated: false, costUsd: 0.0001 } });
    expect(again.embedding).toMatchObject({ cached: true, usage: { requests: 0, costUsd: 0 } });
    expect(bm25.embedding).toBeUndefined();
    expect(priced.usage.requests).toBe(1);
  });

  it('scores retrieval from the Trace with the same measures as trec_eval', async () => {
    const { cases } = loadDataset(join(root, 'datasets', 'rag.jsonl'));
    const question = cases.find((c) => c.relevant?.length)!;
    const trace = {
      retrieved: [{ id: 'x#0', path: 'nowhere.md', score: 1, text: '' }, ...(question.relevant ?? []).map((r, i) => ({ id: `${i}`, path: typeof r === 'string' ? r : r.id, score: 0.5, text: '' }))],
    };
    const mrr = await createScorer('mrr', { k: 5 }).score({ case: question, trace: trace as never });
    expect(mrr).toMatchObject({ value: 0.5, status: 'scored' });
  });
});

describe.skipIf(!VASWANI.present)('Vaswani through the indexer and search', () => {
  const embedder = new HashEmbedder();
  const map = createScorer('map', { k: 1000 });
  // Read and indexed in beforeAll, which a skipped describe never runs: without the files, nothing is read.
  let store: IndexStore | undefined;
  let topics: ReturnType<typeof readTrecTopics> = [];
  let qrels: ReturnType<typeof parseQrels> = new Map();
  let indexed: ReturnType<typeof indexDocuments>;
  beforeAll(() => {
    store = new IndexStore(join(mkdtempSync(join(tmpdir(), 'lunar-vaswani-')), 'index.db'), embedder.id);
    topics = readTrecTopics(VASWANI.file('query-text.odd.trec'), VASWANI.file('qrels.odd'));
    qrels = parseQrels(readFileSync(VASWANI.file('qrels.odd'), 'latin1'), 'qrels.odd');
    indexed = indexDocuments(store, embedder, readTrecDocuments(VASWANI.file('doc-text.trec')));
  });

  /**
   * MAP two ways over the same hits: the suite scorer (per-query AP@1000 over the hits in their
   * order, averaged), and trec_eval's rules over a run file written from the hits (scores read back
   * as float32, ties broken by docno descending).
   */
  async function bothWays(config: SearchConfigInput): Promise<{ suite: string; trec: string; value: number }> {
    await indexed;
    const perQuery: number[] = [];
    const lines: string[] = [];
    for (const topic of topics) {
      const hits = await search(store!, embedder, topic.input!, { ...config, k: 1000, candidate_multiplier: 1, mmr: { enabled: false }, decay: { enabled: false } });
      hits.forEach((h, rank) => lines.push(`${topic.id} Q0 ${h.path} ${rank + 1} ${h.score} lunar`));
      const score = await map.score({ case: topic, trace: { retrieved: hits.map((h) => ({ id: h.chunkId, path: h.path, score: h.score, text: '' })) } as never });
      perQuery.push(score!.value!);
    }
    const run = parseRun(lines.join('\n'), 'run');
    const trec = evaluate(qrels, run, { measures: ['map'], perQuery: false, complete: true }).find((r) => r.measure === 'map')!.value;
    return { suite: formatFixed4(mean(perQuery)!), trec: formatFixed4(trec), value: trec };
  }

  it('BM25: the suite scorer’s MAP equals trec_eval’s to 4 decimals, and is near Terrier’s stemmed BM25', async () => {
    const { suite, trec, value } = await bothWays({ mode: 'bm25' });
    expect(suite).toBe(trec);
    // Terrier's stemmed BM25 scores 0.2965 over all 93 queries; an unstemmed BM25 about 0.21.
    expect(value).toBeGreaterThan(0.27);
    expect(value).toBeLessThan(0.33);
  }, 300_000);

  it('hybrid, weighted: the suite scorer’s MAP equals trec_eval’s to 4 decimals', async () => {
    const { suite, trec } = await bothWays({ mode: 'hybrid', fusion: 'weighted' });
    expect(suite).toBe(trec);
  }, 300_000);

  it('hybrid, RRF: the suite scorer’s MAP equals trec_eval’s to 4 decimals', async () => {
    const { suite, trec } = await bothWays({ mode: 'hybrid', fusion: 'rrf' });
    expect(suite).toBe(trec);
  }, 300_000);

  afterAll(() => store?.close());
});
