import { describe, expect, it } from 'vitest';
import { measureNoise, type NoiseAttempt } from './noise.ts';
import { decideQuarantine, emptyQuarantine, isQuarantined, parseQuarantine, QuarantineFile, type QuarantineEntry } from './quarantine.ts';

const entry = (e: Partial<QuarantineEntry> & { id: string }): QuarantineEntry => ({ flipRate: 0.25, addedAt: '2024-05-01', stableRuns: 0, ...e });

function run(rows: [group: string, caseId: string, verdicts: (boolean | null)[]][]): NoiseAttempt[] {
  return rows.flatMap(([group, caseId, verdicts]) => verdicts.map((pass, repeat) => ({ caseId, group, repeat, pass, category: 'cat' })));
}

describe('QuarantineFile', () => {
  it('reads a well-formed file', () => {
    const text = JSON.stringify({
      schema: 'lunar.quarantine',
      version: 1,
      cases: [entry({ id: 'a', group: 'openai/default', addedRun: 'r1', lastRun: 'r1', reason: 'issue #12' }), entry({ id: 'b', addedAt: '2024-05-01T10:00:00Z' })],
    });
    expect(parseQuarantine(text).cases.map((e) => [e.id, e.group])).toEqual([
      ['a', 'openai/default'],
      ['b', undefined],
    ]);
  });

  it.each([
    ['a case listed twice for one group', [entry({ id: 'a', group: 'g' }), entry({ id: 'a', group: 'g' })], /a in g is listed twice/],
    ['a case listed for every group and again for one', [entry({ id: 'a' }), entry({ id: 'a', group: 'g' })], /a is listed for every group and again for g/],
    ['a flip rate above ½ (min(passes, fails)/n cannot be)', [entry({ id: 'a', flipRate: 0.7 })], /flipRate/],
    ['a date that is not ISO', [entry({ id: 'a', addedAt: 'May 1st' })], /addedAt/],
    ['a negative stable count', [entry({ id: 'a', stableRuns: -1 })], /stableRuns/],
  ])('rejects %s', (_, cases, message) => {
    const result = QuarantineFile.safeParse({ schema: 'lunar.quarantine', version: 1, cases });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toMatch(message);
  });

  it('rejects unknown fields and other versions', () => {
    expect(QuarantineFile.safeParse({ ...emptyQuarantine(), extra: 1 }).success).toBe(false);
    expect(QuarantineFile.safeParse({ ...emptyQuarantine(), version: 2 }).success).toBe(false);
  });
});

describe('decideQuarantine', () => {
  const P = true;
  const F = false;
  const file: QuarantineFile = {
    ...emptyQuarantine(),
    cases: [
      entry({ id: 'a', group: 'g', stableRuns: 2, lastRun: 'r1' }), // stable in r2 → 3: release
      entry({ id: 'b', stableRuns: 1 }), // every group; stable in g, flips in h → 0
      entry({ id: 'c', group: 'g', stableRuns: 1 }), // one verdict: unobserved, stays 1
      entry({ id: 'd', group: 'g', stableRuns: 4 }), // not in the run: stays 4, release
      entry({ id: 'x', group: 'h', stableRuns: 0 }), // only a null verdict in h: absent
    ],
  };
  const noise = measureNoise(
    run([
      ['g', 'a', [P, P, P]],
      ['g', 'b', [F, F, F]],
      ['h', 'b', [P, F, F, F]],
      ['g', 'c', [P, null, null]],
      ['g', 'e', [P, F, P]], // new flaky, 1/3
      ['h', 'f', [F, P]], // new flaky, 1/2
      ['h', 'x', [null]],
      ['g', 'ok', [P, P]],
    ]),
  );
  const decision = decideQuarantine(file, noise, { runId: 'r2', now: '2024-06-01' });

  it('excludes the listed cases the run has, in every group a group-less entry covers', () => {
    expect(decision.excluded).toEqual([
      { caseId: 'a', group: 'g' },
      { caseId: 'b', group: 'g' },
      { caseId: 'c', group: 'g' },
      { caseId: 'b', group: 'h' },
      { caseId: 'x', group: 'h' },
    ]);
  });

  it('counts stable runs, resets on a flip and leaves unobserved and absent cases alone', () => {
    expect(decision.entries.map((e) => [e.id, e.status, e.stableRuns, e.flipRate])).toEqual([
      ['a', 'stable', 3, 0],
      ['b', 'flipped', 0, 1 / 4],
      ['c', 'unobserved', 1, 0],
      ['d', 'absent', 4, 0],
      ['x', 'absent', 0, 0],
    ]);
    expect(decision.next.cases.find((e) => e.id === 'b')).toMatchObject({ stableRuns: 0, flipRate: 1 / 4, lastRun: 'r2' });
  });

  it('proposes release after releaseAfter stable runs, and removes nothing itself', () => {
    expect(decision.release.map((e) => e.id)).toEqual(['a', 'd']);
    expect(decision.next.cases.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'x', 'e', 'f']);
    expect(decideQuarantine(file, noise, { runId: 'r2', now: '2024-06-01', releaseAfter: 4 }).release.map((e) => e.id)).toEqual(['d']);
  });

  it('proposes the new flaky cases and lists them in next, without excluding them from this run', () => {
    expect(decision.add).toEqual([
      { caseId: 'e', group: 'g', category: 'cat', flipRate: 1 / 3 },
      { caseId: 'f', group: 'h', category: 'cat', flipRate: 1 / 2 },
    ]);
    expect(decision.excluded.some((x) => x.caseId === 'e' || x.caseId === 'f')).toBe(false);
    expect(decision.next.cases.at(-1)).toEqual({ id: 'f', group: 'h', flipRate: 1 / 2, addedAt: '2024-06-01', addedRun: 'r2', stableRuns: 0, lastRun: 'r2' });
    expect(isQuarantined(decision.next, 'e', 'g')).toBe(true);
    expect(isQuarantined(decision.next, 'e', 'h')).toBe(false);
  });

  it('counts a run once: weighing r2 again changes nothing', () => {
    const again = decideQuarantine(decision.next, noise, { runId: 'r2', now: '2024-06-01' });
    expect(again.next).toEqual(decision.next);
    expect(again.add).toEqual([]);
    // A later run that is stable again does count.
    const r3 = decideQuarantine(decision.next, noise, { runId: 'r3', now: '2024-06-02' });
    expect(r3.entries.find((e) => e.id === 'a')!.stableRuns).toBe(4);
  });

  it('leaves the given file as it was', () => {
    expect(file.cases[0]!.stableRuns).toBe(2);
    expect(file.cases).toHaveLength(5);
  });

  it('rejects a now that is no date and a release count below 1', () => {
    expect(() => decideQuarantine(file, noise, { runId: 'r', now: 'yesterday' })).toThrow();
    expect(() => decideQuarantine(file, noise, { runId: 'r', now: '2024-06-01', releaseAfter: 0 })).toThrow(RangeError);
  });
});
