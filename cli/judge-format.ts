// The text report of `lunar judge calibrate`: the figures, the judge-by-label table they come
// from (so kappa can be checked by hand), and a bounded list of the rows where the judge and the
// labels disagree, each with the judge's reasoning cut to one line.

import type { KappaInterval } from '../metrics/kappa-interval.ts';
import type { CalibrationSummary, ItemOutcome } from '../judges/calibrate.ts';
import { LABELS, VERDICTS } from '../judges/calibrate.ts';
import { dataLabel, type CalibrationData } from '../judges/calibration-data.ts';
import type { CalibrationRecord } from '../judges/calibration-store.ts';
import type { JudgeUsageSummary } from '../judges/usage.ts';

export interface CalibrationReport {
  judge: string;
  data: CalibrationData;
  /** Rows put to the judge (the sample's size with --limit). */
  rows: number;
  sample: CalibrationRecord['sample'];
  summary: CalibrationSummary;
  usage: JudgeUsageSummary;
  prompt: { id: string; sha256: string; coreSha256: string };
  /** The file the figures were appended to; null when not recorded. */
  recorded: string | null;
  /** Why the calibration is incomplete (exit 1), if it is. */
  failure?: string;
}

/** Longest reasoning shown for one disagreement, in characters. */
const REASONING_CHARS = 160;

export function formatCalibration(r: CalibrationReport, show: number): string[] {
  const s = r.summary;
  const of = r.sample ? `a sample of ${r.rows} (seed ${r.sample.seed}) of ${r.data.items.length} rows` : `all ${r.rows} rows`;
  const lines = [
    `judge ${r.judge} on ${dataLabel(r.data)} (${s.kind}, ${of})`,
    `prompt ${r.prompt.id} sha256 ${r.prompt.sha256.slice(0, 12)} · data sha256 ${r.data.sha256.slice(0, 12)}`,
    row('n', String(s.n)),
    row('agreement', fixed(s.agreement)),
    row("cohen's kappa", fixed(s.kappa)),
    row('kappa 95% CI', kappaCi(s.kappaInterval)),
    row("spearman's rho", fixed(s.spearman) + (s.spearmanIsPhi && s.spearman !== null ? '  (verdicts and labels both binary: the phi coefficient)' : '')),
  ];
  if (s.accuracyByOrder) {
    lines.push(
      row('accuracy by order', `${fixed(s.accuracyByOrder[0])} as given · ${fixed(s.accuracyByOrder[1])} swapped · ${fixed(s.meanOrderAccuracy!)} mean (LLMBar's accuracy)`),
      row('position consistency', `${fixed(s.positionConsistency!)}  (the same verdict in both orders; a flip is a tie)`),
    );
  }
  lines.push(...table(s), row('unusable', `${s.unusable}${s.unusable ? '  (no usable judge reply: left out of n)' : ''}`));
  if (s.skipped) lines.push(row('not asked', String(s.skipped)));
  const cost = `$${r.usage.cost_usd.toFixed(6)}`;
  lines.push(row('judge calls', `${r.usage.calls} (${r.usage.cached_calls} from the cache) · ${cost}`));
  const shown = s.disagreements.slice(0, show);
  lines.push(row('disagreements', `${s.disagreements.length}${s.disagreements.length ? ` (showing ${shown.length})` : ''}`));
  for (const d of shown) lines.push(`  ${disagreement(d)}`);
  for (const p of s.problems.slice(0, show)) lines.push(`  #${p.id}  no verdict (${p.problem!.status}): ${oneLine(p.problem!.reason)}`);
  lines.push(r.recorded ? `recorded in ${r.recorded}` : 'not recorded');
  return lines;
}

function row(name: string, value: string): string {
  return `${name.padEnd(22)}${value}`;
}

function fixed(value: number | null): string {
  return value === null ? 'n/a (undefined here)' : value.toFixed(3);
}

/** Judge verdicts down, labels across: the counts the figures come from. */
function table(s: CalibrationSummary): string[] {
  const { categories, counts } = s.confusion;
  const cell = (text: string) => text.padStart(6);
  const at = (verdict: string, label: string) => counts[categories.indexOf(verdict)]![categories.indexOf(label)]!;
  return [
    `${'judge \\ label'.padEnd(22)}${LABELS[s.kind].map(cell).join('')}`,
    ...VERDICTS[s.kind].map((v) => `${`  ${v}`.padEnd(22)}${LABELS[s.kind].map((l) => cell(String(at(v, l)))).join('')}`),
  ];
}

function disagreement(d: ItemOutcome): string {
  const orders = d.orders ? ` (as given ${d.orders[0]}, swapped ${d.orders[1]})` : '';
  return `#${d.id}  label ${d.label}  judge ${d.verdict}${orders}  ${JSON.stringify(shorten(oneLine(d.reasoning)))}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string): string {
  return text.length <= REASONING_CHARS ? text : `${text.slice(0, REASONING_CHARS - 1)}…`;
}

/** "[0.412, 0.781] (bootstrap over 100 rows, 10,000 resamples; 3 with kappa undefined left out)". */
function kappaCi(i: KappaInterval | null): string {
  if (!i || i.low === null || i.high === null) return '- (kappa is undefined on every resample)';
  const undef = i.undefinedResamples ? `; ${i.undefinedResamples} with kappa undefined left out` : '';
  return `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}] (bootstrap over ${i.n} rows, ${i.resamples.toLocaleString('en-US')} resamples${undef}); a kappa floor holds only above the lower bound`;
}
