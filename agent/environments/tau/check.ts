// Comparing the port's output with τ-bench's recorded output, for `lunar tau check`: replay lines
// against goldens/<domain>.replay.<split>.jsonl, re-scored rewards against
// goldens/<model>-<domain>.trajectories.<split>.rewards.jsonl. Golden files are checked with zod
// as they are read; a bad line is reported as file:line: field: message.

import { z } from 'zod';
import { strictEquals } from '../python/hash.ts';
import { parsePyJson } from '../python/json.ts';
import { toJs, type PyDict } from '../python/value.ts';
import { issueMessage, TauInputError } from './input-error.ts';
import { formatReplayLine, type ReplayResult } from './replay.ts';
import type { RescoreResult } from './trajectories.ts';

export interface Mismatch {
  /** task_index for replays; "task_id/trial" for rewards. */
  item: string;
  field: string;
  expected: string;
  actual: string;
}

const ReplayLine = z.object({
  task_index: z.number().int().nonnegative(),
  observations: z.array(z.string().nullable()),
  final_state_diff: z.record(z.string(), z.record(z.string(), z.unknown())),
  state_hash: z.string().optional(),
});

const RewardLine = z.object({
  task_id: z.number().int().nonnegative(),
  trial: z.number().int().nonnegative(),
  ended: z.boolean(),
  reward: z.number(),
});

/** Golden replay lines, checked; each keeps its Python value for exact comparison. */
export function parseReplayGolden(text: string, file: string): { line: number; text: string; value: PyDict }[] {
  return nonBlankLines(text).map(({ line, text: raw }) => {
    let value;
    try {
      value = parsePyJson(raw);
    } catch (error) {
      throw new TauInputError(`${file}:${line}: (line): not valid JSON: ${(error as Error).message}`);
    }
    const parsed = ReplayLine.safeParse(toJs(value));
    if (!parsed.success) throw new TauInputError(issueMessage(`${file}:${line}`, parsed.error.issues));
    return { line, text: raw, value: value as PyDict };
  });
}

/** Differences between replays and a golden replay file (empty when everything matches). */
export function checkReplays(results: readonly ReplayResult[], goldenText: string, file: string): Mismatch[] {
  const golden = new Map(parseReplayGolden(goldenText, file).map((g) => [g.value.get('task_index') as number, g]));
  const out: Mismatch[] = [];
  for (const result of results) {
    const item = String(result.task_index);
    const want = golden.get(result.task_index);
    if (!want) {
      out.push({ item, field: 'task_index', expected: '(absent from the golden file)', actual: item });
      continue;
    }
    const observations = want.value.get('observations') as (string | null)[];
    observations.forEach((o, i) => {
      if (result.observations[i] !== o) {
        out.push({ item, field: `observations.${i}`, expected: String(o), actual: String(result.observations[i]) });
      }
    });
    if (result.observations.length !== observations.length) {
      out.push({ item, field: 'observations', expected: `${observations.length} observations`, actual: `${result.observations.length}` });
    }
    if (!strictEquals(result.final_state_diff, want.value.get('final_state_diff')!)) {
      out.push({ item, field: 'final_state_diff', expected: `line ${want.line}`, actual: formatReplayLine({ ...result, state_hash: undefined }) });
    }
    const hash = want.value.get('state_hash');
    if (result.state_hash !== undefined && typeof hash === 'string' && hash !== result.state_hash) {
      out.push({ item, field: 'state_hash', expected: hash, actual: result.state_hash });
    }
  }
  return out;
}

/** Differences between re-scored trajectories and recorded rewards ({task_id, trial, ended, reward} lines). */
export function checkRewards(results: readonly RescoreResult[], rewardsText: string, file: string): Mismatch[] {
  const recorded = new Map<string, z.infer<typeof RewardLine>>();
  for (const { line, text } of nonBlankLines(rewardsText)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new TauInputError(`${file}:${line}: (line): not valid JSON: ${(error as Error).message}`);
    }
    const parsed = RewardLine.safeParse(json);
    if (!parsed.success) throw new TauInputError(issueMessage(`${file}:${line}`, parsed.error.issues));
    recorded.set(`${parsed.data.task_id}/${parsed.data.trial}`, parsed.data);
  }
  const out: Mismatch[] = [];
  for (const r of results) {
    const item = `${r.task_id}/${r.trial}`;
    const want = recorded.get(item);
    if (!want) out.push({ item, field: 'task_id/trial', expected: '(absent from the rewards file)', actual: item });
    else {
      if (want.ended !== r.ended) out.push({ item, field: 'ended', expected: String(want.ended), actual: String(r.ended) });
      if (want.reward !== r.reward) out.push({ item, field: 'reward', expected: String(want.reward), actual: `${r.reward} (${r.details.summary})` });
    }
  }
  return out;
}

function nonBlankLines(text: string): { line: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '');
}
