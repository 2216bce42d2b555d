// A judge measured against human labels. Each row is put to the judge the way a run would:
// an LLMBar pair through comparePair (both orders; a disagreement between them is a tie), a
// HaluEval response through the reference-free hallucination prompt. Then agreement, Cohen's
// kappa and Spearman's rho against the labels, and for pairs LLMBar's own figures: accuracy in
// each presentation order and position consistency.
//
// A row the judge gave no usable reply for (a judge error after its retries) has no verdict: it
// is counted as unusable and left out of n, and the count is shown and recorded beside the
// figures. A row that could not be asked at all (the provider unreachable, a replay miss) is
// `skipped`: a calibration with skipped rows is incomplete and is not recorded.

import { kappaInterval, type KappaInterval } from '../metrics/kappa-interval.ts';
import { cohensKappa, confusion, percentAgreement, spearman, type Confusion } from '../metrics/agreement.ts';
import { runPool } from '../core/pool.ts';
import type { CalibrationItem, CalibrationKind, HallucinationItem, PairItem } from './calibration-data.ts';
import { askJudge, type JudgeModel } from './core.ts';
import { comparePair, type PairVerdict } from './pairwise.ts';
import { HALLUCINATION_REFERENCE_FREE } from './prompts/hallucination.ts';
import { PAIRWISE_COMPARE } from './prompts/pairwise.ts';
import type { JudgePrompt } from './prompts/template.ts';
import type { JudgeUsage } from './usage.ts';

/**
 * LLMBar's rules for its evaluators (Zeng et al., 2024, "Rules" prompt), as the criteria of the
 * pairwise prompt: instruction following first, then the rest; no more and no less than asked.
 */
export const LLMBAR_CRITERIA =
  'Which output honestly, precisely and closely executes the instruction? Judge first whether each output follows the instruction, and only then its helpfulness, accuracy, level of detail and harmlessness. An output that gives more or less than the instruction asks for does not precisely execute it. Either output is equally likely to be the better one.';

/** The prompt a calibration of this kind measures. */
export const CALIBRATED_PROMPT: Readonly<Record<CalibrationKind, JudgePrompt>> = {
  pairwise: PAIRWISE_COMPARE,
  hallucination: HALLUCINATION_REFERENCE_FREE,
};

/** The categories a judge may answer with and the labels' categories, in display order. */
export const VERDICTS: Readonly<Record<CalibrationKind, readonly string[]>> = { pairwise: ['1', '2', 'tie'], hallucination: ['yes', 'no'] };
export const LABELS: Readonly<Record<CalibrationKind, readonly string[]>> = { pairwise: ['1', '2'], hallucination: ['yes', 'no'] };

/**
 * Verdicts and labels as numbers for Spearman: output 1 preferred 1, a tie 0.5, output 2 0;
 * hallucination yes 1, no 0. Binary against binary, rho is the phi coefficient (metrics/agreement.ts).
 */
const SCORE: Readonly<Record<string, number>> = { '1': 1, tie: 0.5, '2': 0, yes: 1, no: 0 };

export interface ItemOutcome {
  id: string;
  label: string;
  /** The judge's verdict in the labels' terms ('1', '2', 'tie', 'yes', 'no'); null when it gave none. */
  verdict: string | null;
  /** Pairwise: each order's verdict in output terms, [the pair as given, the outputs swapped]. */
  orders?: [string, string];
  reasoning: string;
  /** Why there is no verdict: the judge's replies never fit (error), or it could not be asked (skipped). */
  problem?: { status: 'error' | 'skipped'; reason: string };
}

export interface JudgeItemsOptions {
  /** The judge model for one row (its cache wrapper and lane; a scripted judge shares one model). */
  judgeFor: (item: CalibrationItem) => JudgeModel;
  usage: JudgeUsage;
  /** Rows in flight at once; 1 keeps a scripted judge's replies in row order. */
  concurrency: number;
  /** Pairwise criteria (default LLMBAR_CRITERIA). */
  criteria?: string;
}

/** Every row's outcome, in the rows' order. */
export async function judgeItems(items: readonly CalibrationItem[], options: JudgeItemsOptions): Promise<ItemOutcome[]> {
  const outcomes = new Array<ItemOutcome>(items.length);
  await runPool(items, options.concurrency, async (item, i) => {
    const judge = options.judgeFor(item);
    outcomes[i] = item.kind === 'pairwise' ? await judgePair(judge, item, options) : await judgeResponse(judge, item, options.usage);
  });
  return outcomes;
}

const OUTPUT: Record<PairVerdict, string> = { A: '1', B: '2', tie: 'tie' };

async function judgePair(judge: JudgeModel, item: PairItem, options: JudgeItemsOptions): Promise<ItemOutcome> {
  const criteria = options.criteria ?? LLMBAR_CRITERIA;
  const compared = await comparePair(judge, { question: item.instruction, answerA: item.output1, answerB: item.output2, criteria }, options.usage);
  if (!compared.ok) return { id: item.id, label: item.label, verdict: null, reasoning: '', problem: { status: compared.status, reason: compared.reason } };
  const { winner, verdicts, reasoning } = compared.value;
  return { id: item.id, label: item.label, verdict: OUTPUT[winner], orders: [OUTPUT[verdicts[0]], OUTPUT[verdicts[1]]], reasoning: reasoning.join(' | ') };
}

async function judgeResponse(judge: JudgeModel, item: HallucinationItem, usage: JudgeUsage): Promise<ItemOutcome> {
  const asked = await askJudge(judge, HALLUCINATION_REFERENCE_FREE, { query: item.query, response: item.response }, usage);
  if (!asked.ok) return { id: item.id, label: item.label, verdict: null, reasoning: '', problem: { status: asked.status, reason: asked.reason } };
  return { id: item.id, label: item.label, verdict: asked.value.hallucination, reasoning: asked.value.reasoning };
}

export interface CalibrationSummary {
  kind: CalibrationKind;
  /** Rows with a verdict: the figures are over these. */
  n: number;
  /** Rows the judge gave no usable reply for. */
  unusable: number;
  /** Rows that could not be asked; any makes the calibration incomplete. */
  skipped: number;
  agreement: number | null;
  kappa: number | null;
  /** Kappa's seeded percentile bootstrap interval over the judged rows: how rough a kappa from n rows is. */
  kappaInterval: KappaInterval | null;
  spearman: number | null;
  /** Both sides took two values only, so rho is the phi coefficient. */
  spearmanIsPhi: boolean;
  /** Judge verdicts (rows, VERDICTS order first) against labels (columns). */
  confusion: Confusion<string>;
  /** Pairwise: accuracy with the pair as given and swapped (a tie in an order is wrong), and their mean (LLMBar's accuracy). */
  accuracyByOrder?: [number, number];
  meanOrderAccuracy?: number;
  /** Pairwise: the share of pairs given the same verdict in both orders (the rest are flips, and ties). */
  positionConsistency?: number;
  /** Rows where the verdict is not the label, in row order. */
  disagreements: ItemOutcome[];
  /** Rows without a verdict, in row order. */
  problems: ItemOutcome[];
}

export function summarise(kind: CalibrationKind, outcomes: readonly ItemOutcome[]): CalibrationSummary {
  const judged = outcomes.filter((o): o is ItemOutcome & { verdict: string } => o.verdict !== null);
  const pairs = judged.map((o) => [o.verdict, o.label] as const);
  const n = judged.length;
  const verdictScores = judged.map((o) => SCORE[o.verdict]!);
  const labelScores = judged.map((o) => SCORE[o.label]!);
  const summary: CalibrationSummary = {
    kind,
    n,
    unusable: outcomes.filter((o) => o.problem?.status === 'error').length,
    skipped: outcomes.filter((o) => o.problem?.status === 'skipped').length,
    agreement: percentAgreement(pairs),
    kappa: cohensKappa(pairs),
    kappaInterval: kappaInterval(pairs),
    spearman: spearman(verdictScores, labelScores),
    spearmanIsPhi: new Set(verdictScores).size <= 2 && new Set(labelScores).size <= 2,
    confusion: confusion(pairs, [...VERDICTS[kind], ...LABELS[kind]]),
    disagreements: judged.filter((o) => o.verdict !== o.label),
    problems: outcomes.filter((o) => o.verdict === null),
  };
  if (kind === 'pairwise' && n > 0) {
    const orders = judged.map((o) => o.orders!);
    const right = (k: 0 | 1) => judged.filter((o, i) => orders[i]![k] === o.label).length / n;
    summary.accuracyByOrder = [right(0), right(1)];
    summary.meanOrderAccuracy = (summary.accuracyByOrder[0] + summary.accuracyByOrder[1]) / 2;
    summary.positionConsistency = orders.filter(([first, second]) => first === second).length / n;
  }
  return summary;
}
