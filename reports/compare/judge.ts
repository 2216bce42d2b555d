// `lunar compare --judge T`: a pairwise judge reads both final answers of each paired case and
// says which is better, asked twice with the answers' positions swapped (judges/pairwise.ts); a
// preference that follows the position is a tie. The result per group: B's wins, A's wins, ties
// (with the position flips among them), B's preference rate (ties as half) and a two-sided sign
// test on the decided pairs (McNemar's exact test is that sign test on the discordant pairs).

import { CallCache } from '../../agent/providers/cache.ts';
import type { Trace } from '../../agent/trace.ts';
import { resolveJudge, type PreparedJudge } from '../../judges/resolve.ts';
import { comparePair } from '../../judges/pairwise.ts';
import { JudgeUsage } from '../../judges/usage.ts';
import { mcnemarExact } from '../../metrics/paired.ts';
import type { ComparisonReport, GroupComparison, JudgedPreference } from './compare.ts';
import { InputError } from '../../core/errors.ts';
import { runPool } from '../../core/pool.ts';
import { forAttempt } from '../../agent/providers/model-path.ts';
import { Scheduler } from '../../agent/providers/scheduler/scheduler.ts';
import type { ResultsStore, StoredAttempt } from '../../runners/store.ts';

export interface JudgeOptions {
  /** The judge's target id, e.g. openai:gpt-4o-mini. */
  judge: string;
  criteria?: string;
  /** For the model-call cache, so judging the same pair again costs nothing. */
  home: string;
  /** Pairs judged at once (default 4). */
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
}

/** The judge, checked before anything runs: one that cannot be had (no key, unknown provider) is bad input. */
export function checkJudge(judge: string, env?: NodeJS.ProcessEnv): PreparedJudge & { available: true } {
  const prepared = resolveJudge(judge, { providerOptions: env ? { env } : {} });
  if (!prepared.available) throw new InputError(`--judge: ${prepared.reason}`);
  return prepared;
}

/** Adds `preference` to every group of the report. */
export async function judgePreferences(report: ComparisonReport, store: ResultsStore, options: JudgeOptions): Promise<void> {
  const judge = checkJudge(options.judge, options.env);
  // The judge's calls take the path every model call takes: its provider's lane, the model-call
  // cache (judging the same pair again costs nothing), and the breaker that stops a refused key
  // from being tried on every pair.
  const scheduler = new Scheduler();
  const cache = CallCache.inHome(options.home);
  const attemptsA = store.attempts(report.a.id);
  try {
    for (const group of report.groups) {
      group.preference = await judgeGroup(group, report, attemptsA, store, options, (label) => ({
        available: true,
        id: judge.id,
        model: forAttempt(judge.breaker.wrap(judge.target.model()), scheduler, { cache, mode: 'on' }, 0, label),
      }));
    }
  } finally {
    cache.close();
  }
}

type MakeJudge = (label: string) => Parameters<typeof comparePair>[0];

async function judgeGroup(group: GroupComparison, report: ComparisonReport, attemptsA: readonly StoredAttempt[], store: ResultsStore, options: JudgeOptions, makeJudge: MakeJudge): Promise<JudgedPreference> {
  const usage = new JudgeUsage(options.judge);
  const counts = { winsA: 0, winsB: 0, ties: 0, flips: 0, noAnswer: 0, skipped: 0, error: 0 };
  let firstFailure: string | undefined;
  const keys = attemptsA.filter((a) => a.suite === group.suite && a.config === group.config && a.target === group.targetA);
  const pairs = keys.flatMap((a) => {
    const key = { suite: a.suite, config: a.config, caseId: a.caseId, repeat: a.repeat };
    const traceA = store.trace({ runId: report.a.id, target: group.targetA, ...key });
    const traceB = store.trace({ runId: report.b.id, target: group.targetB, ...key });
    return traceA && traceB ? [{ caseId: a.caseId, traceA, traceB }] : [];
  });
  await runPool(pairs, options.concurrency ?? 4, async ({ caseId, traceA, traceB }) => {
    if (traceA.finalAnswer === null || traceB.finalAnswer === null) {
      counts.noAnswer += 1;
      return;
    }
    const result = await comparePair(makeJudge(caseId), { question: questionOf(traceA), answerA: traceA.finalAnswer, answerB: traceB.finalAnswer, criteria: options.criteria }, usage);
    if (!result.ok) {
      counts[result.status] += 1;
      firstFailure ??= `${caseId}: ${result.reason}`;
      return;
    }
    const { winner, flipped } = result.value;
    if (winner === 'A') counts.winsA += 1;
    else if (winner === 'B') counts.winsB += 1;
    else counts.ties += 1;
    if (flipped) counts.flips += 1;
  });
  const judged = counts.winsA + counts.winsB + counts.ties;
  return {
    judge: options.judge,
    ...(options.criteria ? { criteria: options.criteria } : {}),
    asked: pairs.length,
    judged,
    winsA: counts.winsA,
    winsB: counts.winsB,
    ties: counts.ties,
    flips: counts.flips,
    preferenceB: judged ? (counts.winsB + counts.ties / 2) / judged : null,
    signTestP: mcnemarExact(counts.winsA, counts.winsB),
    notJudged: { noAnswer: counts.noAnswer, skipped: counts.skipped, error: counts.error },
    ...(firstFailure ? { firstFailure } : {}),
    usage: usage.summary(),
  };
}

/**
 * The question the attempt answered, from its trace: the messages before the first reply (no
 * system prompt); one user message as it is, a conversation as `role: text` paragraphs, as the
 * judges show a case (judges/inputs.ts).
 */
export function questionOf(trace: Pick<Trace, 'messages'>): string {
  const first = trace.messages.findIndex((m) => m.role === 'assistant');
  const asked = (first < 0 ? trace.messages : trace.messages.slice(0, first)).filter((m) => m.role !== 'system');
  if (asked.length === 1 && asked[0]!.role === 'user') return asked[0]!.content;
  return asked.map((m) => `${m.role}: ${m.content}`).join('\n\n');
}
