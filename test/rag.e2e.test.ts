// Retrieval end to end: the lunar index/search commands, the knowledge tool inside the agent
// loop with citations in the Trace, and the Vaswani collection scored two ways that must agree.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BaselineModel } from '../agent/baseline/model.ts';
import { runAgent } from '../agent/loop.ts';
import { HashEmbedder } from '../agent/rag/embedders/hash.ts';
import { IndexStore } from '../agent/rag/index-store.ts';
import { indexDocuments, indexFolder } from '../agent/rag/indexer.ts';
import { search } from '../agent/rag/search.ts';
import { searchKnowledgeTool } from '../agent/tools/search_knowledge.ts';
import { ToolRegistry } from '../agent/tools/tool.ts';
import { relevanceOf } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
import { readTrecDocuments, readTrecTopics } from '../datasets/trec.ts';
import { evaluate } from '../metrics/retrieval.ts';
import { createScorer } from '../metrics/registry.ts';

const root = resolve(import.meta.dirname, '..');
const corpus = join(root, 'datasets', 'corpus');
const vaswani = resolve(root, '..', 'shared', 'data', 'vaswani');
const run = promisify(execFile);
const lunar = (args: string[]) => run('node', [join(root, 'bin', 'lunar.js'), ...args], { cwd: root, env: { ...process.env, CI: '' } });

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
  });

  it('says to re-index when the index was built with another embedder', async () => {
    const index = join(mkdtempSync(join(tmpdir(), 'lunar-index-')), 'index.db');
    await lunar(['index', corpus, '--index', index]);
    const failed = await lunar(['search', 'refund', '--index', index, '--embedder', 'hash:128']).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/built with embedder hash:384 .*re-index/);
  });
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

describe.skipIf(!existsSync(vaswani))('Vaswani through the indexer and search', () => {
  it('BM25 MAP by the suite scorer equals trec_eval semantics over the same ranking, and is near Terrier’s stemmed BM25', async () => {
    const embedder = new HashEmbedder();
    const store = new IndexStore(join(mkdtempSync(join(tmpdir(), 'lunar-vaswani-')), 'index.db'), embedder.id);
    await indexDocuments(store, embedder, readTrecDocuments(join(vaswani, 'doc-text.trec')));
    const topics = readTrecTopics(join(vaswani, 'query-text.odd.trec'), join(vaswani, 'qrels.odd'));
    const map = createScorer('map', { k: 1000 });
    const perQuery: number[] = [];
    const trecRun = new Map<string, { docno: string; score: number }[]>();
    for (const topic of topics) {
      const hits = await search(store, embedder, topic.input!, { mode: 'bm25', k: 1000, candidate_multiplier: 1, mmr: { enabled: false }, decay: { enabled: false } });
      trecRun.set(topic.id, hits.map((h) => ({ docno: h.path, score: h.score })));
      const score = await map.score({ case: topic, trace: { retrieved: hits.map((h) => ({ id: h.chunkId, path: h.path, score: h.score, text: '' })) } as never });
      perQuery.push(score!.value!);
    }
    store.close();
    const qrels = new Map(topics.map((t) => [t.id, relevanceOf(t)]));
    const trec = evaluate(qrels, trecRun, { measures: ['map'], perQuery: false, complete: true }).find((r) => r.measure === 'map')!.value;
    const suite = perQuery.reduce((a, b) => a + b, 0) / perQuery.length;
    expect(suite).toBeCloseTo(trec, 3);
    // Terrier's stemmed BM25 scores 0.2965 over all 93 queries; an unstemmed BM25 about 0.21.
    expect(trec).toBeGreaterThan(0.27);
    expect(trec).toBeLessThan(0.33);
  }, 120_000);
});
