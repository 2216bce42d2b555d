import { describe, expect, it } from 'vitest';
import { datasetCases } from './provenance.ts';

describe('datasetCases: the provenance table’s dataset rows', () => {
  it('gives each file its own case count: BFCL per category, τ-bench tasks only, a shared file once', () => {
    const bfcl = (category: string, n: number) => Array.from({ length: n }, () => ({ bfcl: { category, functions: [], underscore_to_dot: true } }));
    const rows = datasetCases([
      {
        dataset: { kind: 'bfcl', underscoreToDot: true, sets: [{ questions: '/d/BFCL_v4_simple_python.json', answers: '/d/possible_answer/BFCL_v4_simple_python.json' }, { questions: '/d/BFCL_v4_irrelevance.json' }, { questions: '/d/mine.json', category: 'parallel' }] },
        cases: [...bfcl('simple_python', 400), ...bfcl('irrelevance', 240), ...bfcl('parallel', 200)],
      },
      { dataset: { kind: 'tau', dir: '/t', domain: 'airline', split: 'test' }, cases: Array.from({ length: 50 }, () => ({})) },
      { dataset: { kind: 'jsonl', path: '/s/memory.jsonl' }, cases: Array.from({ length: 33 }, () => ({})) },
      // A second suite on the same file, limited to 10 cases: still one row.
      { dataset: { kind: 'jsonl', path: '/s/memory.jsonl' }, cases: Array.from({ length: 10 }, () => ({})) },
    ] as never);
    expect(rows).toEqual([
      { path: '/d/BFCL_v4_simple_python.json', cases: 400 },
      { path: '/d/possible_answer/BFCL_v4_simple_python.json', cases: 400 },
      { path: '/d/BFCL_v4_irrelevance.json', cases: 240 },
      { path: '/d/mine.json', cases: 200 },
      { path: '/t/airline/tasks.test.json', cases: 50 },
      { path: '/t/airline/wiki.md', cases: 0 },
      { path: '/t/airline/tools.json', cases: 0 },
      { path: '/s/memory.jsonl', cases: 33 },
    ]);
  });
});
