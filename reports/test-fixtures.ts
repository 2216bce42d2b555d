// A small constructed run for the report tests, written through the real ResultsStore: two
// targets (a paid hosted model and a free slow local one) × two configurations × eight cases ×
// two repeats = 64 attempts, with model answers, tool results, retrieved chunks, judge reasoning,
// a case id and a category that hold XSS payloads. Outcomes by case, the same in every
// configuration and repeat (worked out by hand in the tests):
//
//   case  category   answer (payload)                           openai          ollama
//   c1    math       <script>…</script>                         passed          passed
//   c2    math       <img src=x onerror=…>                      passed          failed
//   c3    lookup     </script><script>…</script>                passed          passed
//   c4    lookup     "><svg onload=…>                           unscored        unscored  (judge skipped)
//   XSS   <img…>     "ok"  (the case id and category are payloads) passed        passed
//   c6    lookup     "ok"                                       passed          errored
//   c7    math       "wrong"                                    failed          failed
//   c8    math       "done"                                     passed          passed
//
// openai: 24 passed, 4 failed, 4 unscored (pass rate 24/28); ollama: 16 passed, 8 failed, 4
// errored, 4 unscored (16/28). Cost per attempt: openai default $0.002, concise $0.001, ollama $0.
// Latency: openai default 800 ms, concise 600 ms, ollama 3000 ms (errored attempts 0.5 ms).

import type { Trace } from '../agent/trace.ts';
import type { Score } from '../metrics/score.ts';
import type { Lock } from '../runners/provenance.ts';
import { ResultsStore, type AttemptRow } from '../runners/store.ts';

/** Each payload sets window.__xss (or opens a dialog) if it ever runs. */
export const XSS = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=1">',
  closeScript: '</script><script>window.__xss=1</script>',
  svg: '"><svg onload="window.__xss=1">',
  alert: '<img src=x onerror=alert(1)>',
} as const;

export const TARGETS = { paid: 'openai:gpt-4o-mini', local: 'ollama:qwen2.5:7b' } as const;
export const XSS_CASE = `x${XSS.svg}`;
export const XSS_CATEGORY = XSS.alert;

export const LOCK: Lock = {
  lunar: '0.1.0',
  node: 'v20.20.2',
  git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: true },
  seed: 0,
  suites: [{ name: 'qa', file: '/repo/suites/qa.yaml', sha256: 'a'.repeat(64) }],
  datasets: [{ path: '/repo/datasets/qa.jsonl', sha256: 'b'.repeat(64), cases: 8 }],
  corpora: [],
  judgePrompts: [],
  targets: [
    { id: TARGETS.paid, provider: 'openai', model: 'gpt-4o-mini' },
    { id: TARGETS.local, provider: 'ollama', model: 'qwen2.5:7b', address: 'http://127.0.0.1:11434' },
  ],
  options: { repeat: 2, cache: 'on' },
};

interface CaseSpec {
  id: string;
  category: string;
  answer: string;
}

const CASES: CaseSpec[] = [
  { id: 'c1', category: 'math', answer: XSS.script },
  { id: 'c2', category: 'math', answer: XSS.img },
  { id: 'c3', category: 'lookup', answer: XSS.closeScript },
  { id: 'c4', category: 'lookup', answer: XSS.svg },
  { id: XSS_CASE, category: XSS_CATEGORY, answer: 'ok' },
  { id: 'c6', category: 'lookup', answer: 'ok' },
  { id: 'c7', category: 'math', answer: 'wrong' },
  { id: 'c8', category: 'math', answer: 'done' },
];

const pass = (scorer: string, reason: string): Score => ({ scorer, value: 1, pass: true, status: 'scored', reason });
const fail = (scorer: string, reason: string): Score => ({ scorer, value: 0, pass: false, status: 'scored', reason });

function scoresFor(c: CaseSpec, target: string): Score[] {
  if (c.id === 'c4') return [{ scorer: 'rubric', value: null, pass: null, status: 'skipped', reason: 'no judge model configured' }];
  const failing = c.id === 'c7' || (c.id === 'c2' && target === TARGETS.local);
  const exact = failing ? fail('answer_contains', `expected "done" in the answer; got ${c.answer}`) : pass('answer_contains', 'found "done"');
  const reasoning = `The answer ${c.answer} ${failing ? 'misses' : 'meets'} the rubric.`;
  const judge: Score = { scorer: 'rubric', value: failing ? 0.2 : 0.8, pass: !failing, status: 'scored', reason: `score ${failing ? 1 : 4}/5: ${reasoning}`, details: { reasoning, score: failing ? 1 : 4 } };
  return [exact, judge];
}

function traceFor(c: CaseSpec, target: string, costUsd: number, latencyMs: number): Trace {
  return {
    target,
    messages: [
      { role: 'user', content: `question ${c.id}` },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'search_docs', arguments: { query: XSS.img } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'search_docs', content: `found ${XSS.closeScript}` },
      { role: 'assistant', content: c.answer },
    ],
    modelCalls: [
      { step: 1, request: { messageCount: 1, tools: ['search_docs'] }, usage: { inputTokens: 40, outputTokens: 8 }, latencyMs: latencyMs / 2, costUsd: costUsd / 2, attempts: 1, priced: true },
      { step: 2, request: { messageCount: 3, tools: ['search_docs'] }, usage: { inputTokens: 60, outputTokens: 12 }, latencyMs: latencyMs / 2, costUsd: costUsd / 2, attempts: 1, priced: true },
    ],
    toolCalls: [
      { step: 1, id: 'call_1', name: 'search_docs', arguments: { query: XSS.img }, result: `found ${XSS.closeScript}`, latencyMs: 3 },
      { step: 1, id: 'call_2', name: 'read_file', arguments: { path: '../etc/passwd' }, error: `denied: ${XSS.svg}`, errorKind: 'denied', latencyMs: 0.1 },
    ],
    retrieved: [{ id: 'handbook/leave.md#2', path: 'handbook/leave.md', score: 0.8731, text: `Leave policy ${XSS.script}`, lines: [10, 24], toolCallId: 'call_1' }],
    finalAnswer: c.answer,
    citations: [],
    stopReason: 'final',
    usage: { inputTokens: 100, outputTokens: 20 },
    latencyMs,
    costUsd,
  };
}

function erroredTrace(target: string): Trace {
  return { target, messages: [], modelCalls: [], toolCalls: [], retrieved: [], citations: [], finalAnswer: null, stopReason: 'error', error: 'ollama: connection refused <b>boom</b>', usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0.5, costUsd: 0 };
}

/** The 64 attempt rows of run `runId`. */
export function fixtureRows(runId: string): AttemptRow[] {
  const rows: AttemptRow[] = [];
  for (const target of [TARGETS.paid, TARGETS.local]) {
    for (const config of ['default', 'concise']) {
      for (let repeat = 0; repeat < 2; repeat += 1) {
        for (const c of CASES) {
          const base = { runId, suite: 'qa', config, caseId: c.id, category: c.category, target, repeat };
          if (target === TARGETS.local && c.id === 'c6') {
            rows.push({ ...base, status: 'error', error: 'ollama: connection refused <b>boom</b>', trace: erroredTrace(target), scores: [] });
            continue;
          }
          const cost = target === TARGETS.paid ? (config === 'default' ? 0.002 : 0.001) : 0;
          const latency = target === TARGETS.paid ? (config === 'default' ? 800 : 600) : 3000;
          rows.push({ ...base, status: 'ok', trace: traceFor(c, target, cost, latency), scores: scoresFor(c, target) });
        }
      }
    }
  }
  return rows;
}

/** Writes the fixture run into a results store file and returns its id. */
export function writeFixtureRun(store: ResultsStore, runId = '20260101-120000-abcdef'): string {
  store.startRun(runId, { invocation: { suites: ['/repo/suites/qa.yaml'] }, lock: LOCK }, new Date('2026-01-01T12:00:00Z'));
  for (const row of fixtureRows(runId)) store.add(row);
  store.finishRun(runId, 'completed', new Date('2026-01-01T12:05:00Z'));
  return runId;
}
