// `lunar judge calibrate`: measure a judge model against human labels (LLMBar pairs, HaluEval
// responses), print agreement, Cohen's kappa, Spearman's rho and where it disagrees, and record
// the figures in <home>/calibrations.jsonl for runs to read. Judge calls take the path every
// model call takes (the scheduler's lane, the model-call cache), so a second calibration with
// the same judge and data is served from the cache.

import type { KappaInterval } from '../metrics/kappa-interval.ts';
import { Command, Option } from 'commander';
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { CACHE_MODES, CallCache, type CacheMode } from '../agent/providers/cache.ts';
import type { ChatModel, ProviderOptions } from '../agent/providers/types.ts';
import { CALIBRATED_PROMPT, judgeItems, LLMBAR_CRITERIA, summarise, type ItemOutcome } from '../judges/calibrate.ts';
import { CALIBRATION_KINDS, dataLabel, readCalibrationData, type CalibrationData, type CalibrationKind } from '../judges/calibration-data.ts';
import { appendCalibration, calibrationsPath, type CalibrationRecord } from '../judges/calibration-store.ts';
import type { JudgeModel } from '../judges/core.ts';
import { judgePromptHashes } from '../judges/prompts/index.ts';
import { resolveJudge } from '../judges/resolve.ts';
import { seededSample } from '../judges/sample.ts';
import { JudgeUsage } from '../judges/usage.ts';
import { nonNegativeInt, positiveInt } from './args.ts';
import { formatCalibration, type CalibrationReport } from './judge-format.ts';
import { InputError } from '../core/errors.ts';
import { forAttempt } from '../agent/providers/model-path.ts';
import { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import { capabilitiesOf } from '../agent/providers/capabilities.ts';
import { setExitCode } from './exit.ts';

export interface JudgeCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where the judge's provider reads keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The calibration's date (default now). */
  now?: () => Date;
}

const PROCESS_IO: JudgeCommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

interface CalibrateFlags {
  judge: string;
  data: string;
  kind?: CalibrationKind;
  limit?: number;
  seed: number;
  criteria?: string;
  show: number;
  concurrency: number;
  cache: CacheMode;
  home?: string;
  json: boolean;
  record: boolean;
}

export function registerJudgeCommands(program: Command, home: () => string, io: JudgeCommandIo = PROCESS_IO): void {
  const judge = program.command('judge').description('LLM judges: measure one against human labels.');
  judge
    .command('calibrate')
    .description(
      'Measure a judge against human labels: LLMBar pairs (which output follows the instruction, asked in both orders) or HaluEval responses ' +
        "(hallucinated or not, no reference). Prints agreement, Cohen's kappa, Spearman's rho and where the judge disagrees, and records the " +
        'figures in <home>/calibrations.jsonl, where a run reads the latest kappa for its judge model and prompt.',
    )
    .requiredOption('--judge <id>', 'the judge model, a target id (openai:gpt-4o-mini, ollama:qwen2.5:7b, scripted:FILE)')
    .requiredOption('--data <file>', 'an LLMBar JSON file or a HaluEval JSONL file')
    .addOption(new Option('--kind <kind>', 'what the file holds (default: told from its shape)').choices([...CALIBRATION_KINDS]))
    .option('--limit <n>', 'judge a seeded sample of n rows, not the first n', positiveInt)
    .option('--seed <n>', 'the seed of the --limit sample', nonNegativeInt, 0)
    .option('--criteria <text>', "pairwise: the criteria the judge is given (default: LLMBar's rules)")
    .option('--show <n>', 'disagreements to print', nonNegativeInt, 10)
    .option('--concurrency <n>', 'rows judged at once (a scripted judge takes one at a time)', positiveInt, 4)
    .addOption(new Option('--cache <mode>', 'model-call cache: on, off, refresh, replay (recorded answers only; no key needed)').choices([...CACHE_MODES]).default('on'))
    .option('--home <dir>', 'where cache.db and calibrations.jsonl live (default $LUNAR_HOME or .lunar)')
    .option('--json', 'print one JSON object instead of the text report', false)
    .option('--no-record', 'do not record the figures in calibrations.jsonl')
    .action(async (flags: CalibrateFlags) => {
      const homeDir = flags.home ? resolve(flags.home) : home();
      const report = await calibrate(flags, homeDir, io);
      io.stdout(flags.json ? `${JSON.stringify(report.json, null, 2)}\n` : `${formatCalibration(report, flags.show).join('\n')}\n`);
      if (report.failure) {
        io.stderr(`lunar: ${report.failure}\n`);
        setExitCode(program, 1);
      }
    });
}

async function calibrate(flags: CalibrateFlags, home: string, io: JudgeCommandIo): Promise<CalibrationReport & { json: unknown }> {
  const data = readCalibrationData(resolve(flags.data), flags.kind);
  if (flags.criteria !== undefined && data.kind !== 'pairwise') throw new InputError('--criteria: only a pairwise calibration takes criteria');
  const rows = flags.limit === undefined ? data.items : seededSample(data.items.length, flags.limit, flags.seed).map((i) => data.items[i]!);
  const sample = flags.limit !== undefined && flags.limit < data.items.length ? { limit: flags.limit, seed: flags.seed } : null;
  const scheduler = new Scheduler();
  const providerOptions: ProviderOptions = {
    env: io.env ?? process.env,
    // Retried 429s slow the judge's lane down, as in a run.
    onRetry: (failure) => failure.kind === 'rate_limited' && scheduler.noteRateLimited(failure.provider, failure),
  };
  const judge = resolveJudge(flags.judge, { providerOptions, keys: flags.cache !== 'replay' });
  if (!judge.available) throw new InputError(`--judge ${flags.judge}: ${judge.reason}`);
  const cache = flags.cache === 'off' ? undefined : CallCache.inHome(home);
  const usage = new JudgeUsage(judge.id);
  const criteria = data.kind === 'pairwise' ? (flags.criteria ?? LLMBAR_CRITERIA) : undefined;
  let outcomes: ItemOutcome[];
  try {
    // One model for every row: a scripted judge replays its file in order across rows. Each row
    // gets its own cache wrapper (forAttempt), as each attempt of a run does.
    const base: ChatModel = judge.breaker.wrap(judge.target.model());
    const label = dataLabel(data);
    const judgeFor = (item: { id: string }): JudgeModel => ({
      available: true,
      id: judge.id,
      model: forAttempt(base, scheduler, cache && { cache, mode: flags.cache }, 0, `calibrate ${label} #${item.id}`),
    });
    // A script answers in the order it is asked: one call at a time.
    const concurrency = capabilitiesOf(base.provider).perCaseScript ? 1 : flags.concurrency;
    outcomes = await judgeItems(rows, { judgeFor, usage, concurrency, criteria });
  } finally {
    cache?.close();
  }
  const summary = summarise(data.kind, outcomes);
  const record = recordOf(judge.id, data, summary, sample, criteria, (io.now ?? (() => new Date()))());
  const failure = summary.skipped
    ? `${summary.skipped} of ${rows.length} rows could not be put to the judge (${summary.problems.find((p) => p.problem?.status === 'skipped')!.problem!.reason}); the calibration is incomplete and was not recorded`
    : record === undefined
      ? `the judge gave no usable verdict on any of the ${rows.length} rows; nothing was recorded`
      : undefined;
  let recorded: string | null = null;
  if (record && !failure && flags.record) {
    recorded = calibrationsPath(home);
    appendCalibration(recorded, record);
  }
  const report: CalibrationReport = { judge: judge.id, data, rows: rows.length, sample, summary, usage: usage.summary(), prompt: promptHashes(data.kind), recorded, failure };
  return { ...report, json: jsonReport(report) };
}

/** The prompt a calibration of this kind asks, with its hash and that of the texts every judge call shares. */
function promptHashes(kind: CalibrationKind): { id: string; sha256: string; coreSha256: string } {
  const hashes = judgePromptHashes();
  const id = CALIBRATED_PROMPT[kind].id;
  const sha = (name: string) => hashes.find((h) => h.name === name)!.sha256;
  return { id, sha256: sha(id), coreSha256: sha('judge.core') };
}

function recordOf(
  judge: string,
  data: CalibrationData,
  summary: ReturnType<typeof summarise>,
  sample: CalibrationRecord['sample'],
  criteria: string | undefined,
  date: Date,
): CalibrationRecord | undefined {
  if (summary.n === 0 || summary.agreement === null) return undefined;
  const prompt = promptHashes(data.kind);
  return {
    judge,
    kind: data.kind,
    prompt: prompt.id,
    prompt_sha256: prompt.sha256,
    core_sha256: prompt.coreSha256,
    ...(criteria !== undefined ? { criteria_sha256: createHash('sha256').update(criteria, 'utf8').digest('hex') } : {}),
    data: basename(data.file),
    data_format: data.format,
    data_sha256: data.sha256,
    sample,
    n: summary.n,
    unusable: summary.unusable,
    agreement: summary.agreement,
    kappa: summary.kappa,
    ...(summary.kappaInterval ? { kappa_interval: intervalRecord(summary.kappaInterval) } : {}),
    spearman: summary.spearman,
    ...(summary.accuracyByOrder ? { accuracy_by_order: summary.accuracyByOrder, position_consistency: summary.positionConsistency! } : {}),
    date: date.toISOString(),
  };
}

function intervalRecord(i: KappaInterval): NonNullable<CalibrationRecord['kappa_interval']> {
  return { low: i.low, high: i.high, level: i.level, resamples: i.resamples, undefined_resamples: i.undefinedResamples, seed: i.seed };
}

function jsonReport(r: CalibrationReport): unknown {
  const s = r.summary;
  return {
    judge: r.judge,
    kind: s.kind,
    prompt: r.prompt.id,
    prompt_sha256: r.prompt.sha256,
    data: r.data.file,
    data_format: r.data.format,
    data_sha256: r.data.sha256,
    rows: r.rows,
    sample: r.sample,
    n: s.n,
    unusable: s.unusable,
    skipped: s.skipped,
    agreement: s.agreement,
    kappa: s.kappa,
    ...(s.kappaInterval ? { kappa_interval: intervalRecord(s.kappaInterval) } : {}),
    spearman: s.spearman,
    spearman_is_phi: s.spearmanIsPhi,
    ...(s.accuracyByOrder ? { accuracy_by_order: s.accuracyByOrder, mean_order_accuracy: s.meanOrderAccuracy, position_consistency: s.positionConsistency } : {}),
    confusion: { judge: s.confusion.categories, label: s.confusion.categories, counts: s.confusion.counts },
    judge_usage: r.usage,
    disagreements: s.disagreements.map(({ id, label, verdict, orders, reasoning }) => ({ id, label, verdict, ...(orders ? { orders } : {}), reasoning })),
    problems: s.problems.map(({ id, problem }) => ({ id, ...problem })),
    recorded: r.recorded,
    ...(r.failure ? { failure: r.failure } : {}),
  };
}
