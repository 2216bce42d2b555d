import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';
import { cell, renderMarkdown, TOP_FAILURES } from './markdown.ts';
import { LOCK } from './test-fixtures.ts';

function attempt(fields: Partial<StoredAttempt> & Pick<StoredAttempt, 'caseId' | 'target' | 'scores'>): StoredAttempt {
  return { runId: 'r', suite: 'tools', config: 'default', category: 'k', repeat: 0, status: 'ok', stopReason: 'final', finalAnswer: 'done', latencyMs: 100, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0, ...fields };
}
const contains = (value: number, reason = 'found "done"'): Score => ({ scorer: 'answer_contains', value, pass: value === 1, status: 'scored', reason });

/**
 * Target a passes both cases ($0.001 each, 100 and 200 ms). Target b fails c1 (a reason with a
 * pipe, a line break and markup; 300 ms) and errors on c2 (0.2 ms).
 *   a: 2/2 = 100.0%, Wilson(2, 2) = [0.3424, 1]; answer_contains values [1, 1] → the same interval.
 *   b: 0/2 = 0.0%, Wilson(0, 2) = [0, 0.6576]; answer_contains one value 0 (1 of 2) → Wilson(0, 1) = [0, 0.7935].
 *   p50: a (100 + 200) / 2 = 150.0; b 300.0 (the errored attempt is left out).
 *   Run: 4 attempts, 2 passed, 1 failed, 1 errored → 50.0%; an errored attempt makes the headline ❌.
 */
const attempts = [
  attempt({ caseId: 'c1', target: 'a', costUsd: 0.001, scores: [contains(1)] }),
  attempt({ caseId: 'c2', target: 'a', costUsd: 0.001, latencyMs: 200, scores: [contains(1)] }),
  attempt({ caseId: 'c1', target: 'b', latencyMs: 300, scores: [contains(0, 'expected "x" | got\n<img src=x>')] }),
  attempt({ caseId: 'c2', target: 'b', status: 'error', error: 'timeout', stopReason: 'error', finalAnswer: null, latencyMs: 0.2, scores: [] }),
];
const run = { id: 'r1', startedAt: '2026-01-01T12:00:00.000Z', finishedAt: '2026-01-01T12:01:00.000Z', status: 'completed', config: { lock: LOCK } };

const EXPECTED = `### ❌ Lunar run \`r1\` completed: pass rate 50.0% (4 attempts: 2 passed, 1 failed, 1 errored), cost $0.0020

**tools**

| target | attempts | errors | pass rate (95% CI) | answer_contains | p50 ms | cost |
| --- | --- | --- | --- | --- | --- | --- |
| a | 2 | 0 | 100.0% [34.2–100.0%] | 1.000 [0.342–1.000] | 150.0 | $0.0020 |
| b | 2 | 1 | 0.0% [0.0–65.8%] | 0.000 [0.000–0.793] (1/2) | 300.0 | $0.0000 |

**Failures** (2)

| case | target | outcome | why |
| --- | --- | --- | --- |
| c2 | b | errored | timeout |
| c1 | b | failed | answer_contains: expected "x" \\| got &lt;img src=x&gt; |

<sub>lock: lunar 0.1.0, node v20.20.2, git 0123456789 (uncommitted changes), seed 0, 1 suite(s), 1 dataset file(s), 0 corpus folder(s), targets openai:gpt-4o-mini, ollama:qwen2.5:7b</sub>
`;

describe('renderMarkdown', () => {
  it('writes the hand-worked summary of a small run', () => {
    expect(renderMarkdown({ run, aggregates: aggregate(attempts), attempts })).toBe(EXPECTED);
  });

  it('says ✅ for a completed run with nothing errored, ⚠️ for one that stopped early', () => {
    const ok = attempts.slice(0, 2);
    expect(renderMarkdown({ run, aggregates: aggregate(ok), attempts: ok }).split('\n')[0]).toBe('### ✅ Lunar run `r1` completed: pass rate 100.0% (2 attempts: 2 passed, 0 failed, 0 errored), cost $0.0020');
    expect(renderMarkdown({ run: { ...run, status: 'interrupted' }, aggregates: aggregate(ok), attempts: ok }).startsWith('### ⚠️ Lunar run `r1` interrupted:')).toBe(true);
  });

  it(`lists at most ${TOP_FAILURES} failures and counts the rest`, () => {
    const many = Array.from({ length: 12 }, (_, i) => attempt({ caseId: `f${String(i).padStart(2, '0')}`, target: 'a', scores: [contains(0, 'nope')] }));
    const text = renderMarkdown({ run, aggregates: aggregate(many), attempts: many });
    expect(text.match(/^\| f\d\d \| a \| failed \| answer_contains: nope \|$/gm)).toHaveLength(TOP_FAILURES);
    expect(text).toContain('\n…and 2 more: see report.html or junit.xml.\n');
  });

  it('says when the run recorded no lock, and columns the configuration when there is more than the default', () => {
    const configs = [attempt({ caseId: 'c', target: 'a', config: 'short', scores: [contains(1)] })];
    const text = renderMarkdown({ run: { ...run, config: {} }, aggregates: aggregate(configs), attempts: configs });
    expect(text).toContain('| target | config | attempts |');
    expect(text).toContain('| a | short | 1 |');
    expect(text).toContain('<sub>lock: none recorded (a run made by an older Lunar)</sub>');
  });
});

describe('cell', () => {
  it('keeps a cell one line of text: pipes and backslashes escaped, breaks as spaces, markup as entities', () => {
    expect(cell('a|b\\c\r\nd<script>&')).toBe('a\\|b\\\\c d&lt;script&gt;&amp;');
  });
});
