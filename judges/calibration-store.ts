// Calibrations on record: one JSON line per `lunar judge calibrate` run, appended to
// <home>/calibrations.jsonl. A run's reliability check reads the latest one for its judge model
// and prompt.
//
// Why a JSONL file and not a table in SQLite: a calibration is written once and never changed,
// a few lines a month, so an append-only text file is all the store it needs; it is the one
// record a CI job must read without being able to make it (calibrating needs a judge key and
// money), so a team commits it or copies it next to its cache recording, diffs it in review and
// merges two of them by concatenation. Appending one line is one write(2) with O_APPEND; a line
// torn by a crash is the unterminated last one: left out when read, cut off before the next append. Judge calls go through
// the model-call cache, so a calibration cut short resumes by running it again: what was asked
// is served from the cache and only the rest is asked.

import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

export const CALIBRATIONS_FILE = 'calibrations.jsonl';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (a SHA-256)');
const Rate = z.number().min(0).max(1);

export const CalibrationRecord = z
  .object({
    /** The judge's target id, e.g. openai:gpt-4o-mini. */
    judge: z.string().min(1),
    kind: z.enum(['pairwise', 'hallucination']),
    /** The judge prompt's id and its sha256 from judgePromptHashes(). */
    prompt: z.string().min(1),
    prompt_sha256: Hex64,
    /** judge.core's sha256: the format instruction and retry message every judge call shares. */
    core_sha256: Hex64,
    /** Pairwise: the criteria the judge was given (the calibration's criteria, not a suite's). */
    criteria_sha256: Hex64.optional(),
    /** The data file's base name, its format (llmbar, halueval) and its bytes' sha256. */
    data: z.string().min(1),
    data_format: z.enum(['llmbar', 'halueval']),
    data_sha256: Hex64,
    /** The seeded sample taken with --limit; null when every row was used. */
    sample: z.object({ limit: z.number().int().positive(), seed: z.number().int() }).strict().nullable(),
    /** Rows judged; rows the judge gave no usable reply for are `unusable` and not in n. */
    n: z.number().int().positive(),
    unusable: z.number().int().nonnegative(),
    agreement: Rate,
    /** null where undefined (chance agreement certain; a constant side). */
    kappa: z.number().min(-1).max(1).nullable(),
    spearman: z.number().min(-1).max(1).nullable(),
    /**
     * Kappa's bootstrap interval over the rows (metrics/kappa-interval.ts); bounds null where kappa
     * is undefined on every resample. A floor holds only while `low` is above it. Absent in
     * records made before intervals were recorded: their point kappa is all there is.
     */
    kappa_interval: z
      .object({
        low: z.number().min(-1).max(1).nullable(),
        high: z.number().min(-1).max(1).nullable(),
        level: z.number().gt(0).lt(1),
        resamples: z.number().int().positive(),
        undefined_resamples: z.number().int().nonnegative(),
        seed: z.number().int(),
      })
      .strict()
      .optional(),
    /** Pairwise: accuracy with the pair as given and with the outputs swapped, and the share of pairs judged alike in both. */
    accuracy_by_order: z.tuple([Rate, Rate]).optional(),
    position_consistency: Rate.optional(),
    /** When the calibration finished, ISO 8601. */
    date: z.iso.datetime(),
  })
  .strict();
export type CalibrationRecord = z.infer<typeof CalibrationRecord>;

export function calibrationsPath(home: string): string {
  return join(home, CALIBRATIONS_FILE);
}

/** Appends one record (checked first) as one line, after mending a torn last line (see finishTail). */
export function appendCalibration(path: string, record: CalibrationRecord): void {
  const line = `${JSON.stringify(CalibrationRecord.parse(record))}\n`;
  mkdirSync(dirname(path), { recursive: true });
  finishTail(path);
  appendFileSync(path, line);
}

/**
 * A last line without its newline is either a record someone saved without one (it gets its
 * newline) or a write a crash cut short (it is cut off): left in place, it would sit in the
 * middle of the file after the next append and make every later read fail.
 */
function finishTail(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  const cut = text.lastIndexOf('\n') + 1;
  if (CalibrationRecord.safeParse(parseOrUndefined(text.slice(cut))).success) appendFileSync(path, '\n');
  else truncateSync(path, Buffer.byteLength(text.slice(0, cut), 'utf8'));
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Every record in the file, in file order; none when there is no file. A line that is not a
 * record is an InputError naming the file, the line and the field — except an unterminated last
 * line that is not JSON, which is a write cut short by a crash and is left out.
 */
export function readCalibrations(path: string): CalibrationRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: CalibrationRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      if (i === lines.length - 1) return;
      throw new InputError(`${path}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = CalibrationRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${path}:${i + 1}: ${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`);
    }
    records.push(parsed.data);
  });
  return records;
}

export interface CalibrationKey {
  judge: string;
  /** The prompt sha256s that count (any of them): a scorer asks one or more prompts. */
  promptSha256: readonly string[];
  coreSha256: string;
}

/**
 * The latest record for this judge model and prompt (and the shared judge texts as they are now:
 * a changed format instruction makes older calibrations stale). Latest by date; on the same date,
 * the later line.
 */
export function latestCalibration(records: readonly CalibrationRecord[], key: CalibrationKey): CalibrationRecord | undefined {
  let latest: CalibrationRecord | undefined;
  for (const r of records) {
    if (r.judge !== key.judge || r.core_sha256 !== key.coreSha256 || !key.promptSha256.includes(r.prompt_sha256)) continue;
    if (!latest || Date.parse(r.date) >= Date.parse(latest.date)) latest = r;
  }
  return latest;
}
