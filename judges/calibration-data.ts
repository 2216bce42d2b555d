// Human-labelled data for calibrating a judge, read and checked at the edge: LLMBar's pairwise
// files (a JSON array of { input, output_1, output_2, label: 1 | 2 }) and HaluEval's JSONL
// ({ ID, user_query, chatgpt_response, hallucination: "yes" | "no", ... }). The kind is told
// from the file's shape when it is not given; a row that does not fit is an InputError naming
// the file, the line and the field.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

export const CALIBRATION_KINDS = ['pairwise', 'hallucination'] as const;
export type CalibrationKind = (typeof CALIBRATION_KINDS)[number];

/** An LLMBar pair: which output follows the instruction ("1" or "2"; LLMBar has no ties). */
export interface PairItem {
  kind: 'pairwise';
  /** The 0-based position in the file's array (LLMBar pairs have no id). */
  id: string;
  instruction: string;
  output1: string;
  output2: string;
  label: '1' | '2';
}

/** A HaluEval response: whether annotators found hallucinated content in it. */
export interface HallucinationItem {
  kind: 'hallucination';
  id: string;
  query: string;
  response: string;
  label: 'yes' | 'no';
}

export type CalibrationItem = PairItem | HallucinationItem;

export interface CalibrationData {
  kind: CalibrationKind;
  /** The data set's format name, for messages: llmbar or halueval. */
  format: 'llmbar' | 'halueval';
  file: string;
  /** SHA-256 hex of the file's bytes: which labels a calibration was measured on. */
  sha256: string;
  items: CalibrationItem[];
}

const LlmBarPair = z.object({ input: z.string(), output_1: z.string(), output_2: z.string(), label: z.union([z.literal(1), z.literal(2)]) });
// Other fields (hallucination_spans) are HaluEval's and not needed here.
const HaluEvalRow = z.object({ ID: z.string().min(1), user_query: z.string(), chatgpt_response: z.string(), hallucination: z.enum(['yes', 'no']) });

export function readCalibrationData(file: string, kind?: CalibrationKind): CalibrationData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(`${file}: cannot read calibration data (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const text = bytes.toString('utf8');
  const shape = text.trimStart().startsWith('[') ? 'pairwise' : 'hallucination';
  const wanted = kind ?? shape;
  if (wanted !== shape) {
    const found = shape === 'pairwise' ? 'a JSON array (LLMBar pairwise)' : 'JSONL (HaluEval hallucination)';
    throw new InputError(`${file}: --kind ${wanted}, but the file is ${found}; give --kind ${shape} or another file`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const items = shape === 'pairwise' ? readLlmBar(file, text) : readHaluEval(file, text);
  if (items.length === 0) throw new InputError(`${file}: holds no rows to calibrate on`);
  return { kind: shape, format: shape === 'pairwise' ? 'llmbar' : 'halueval', file, sha256, items };
}

/** The file's base name with its format, for messages: `llmbar natural.json`. */
export function dataLabel(data: Pick<CalibrationData, 'format' | 'file'>): string {
  return `${data.format} ${basename(data.file)}`;
}

function readLlmBar(file: string, text: string): PairItem[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(json)) throw new InputError(`${file}: expected a JSON array of LLMBar pairs`);
  const lines = elementLines(text, json.length);
  return json.map((raw, i) => {
    const parsed = LlmBarPair.safeParse(raw);
    if (!parsed.success) throw new InputError(`${file}:${lines[i] ?? '?'}: [${i}].${issueText(parsed.error)}`);
    const { input, output_1, output_2, label } = parsed.data;
    return { kind: 'pairwise', id: String(i), instruction: input, output1: output_1, output2: output_2, label: label === 1 ? '1' : '2' };
  });
}

function readHaluEval(file: string, text: string): HallucinationItem[] {
  const items: HallucinationItem[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = HaluEvalRow.safeParse(json);
    if (!parsed.success) throw new InputError(`${file}:${i + 1}: ${issueText(parsed.error)}`);
    const { ID, user_query, chatgpt_response, hallucination } = parsed.data;
    const earlier = seen.get(ID);
    if (earlier !== undefined) throw new InputError(`${file}:${i + 1}: ID: "${ID}" is also the ID on line ${earlier}`);
    seen.set(ID, i + 1);
    items.push({ kind: 'hallucination', id: ID, query: user_query, response: chatgpt_response, label: hallucination });
  });
  return items;
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}`;
}

/**
 * The 1-based line on which each top-level element of a JSON array starts, found by walking the
 * text with string and nesting state (JSON.parse gives no positions).
 */
function elementLines(text: string, count: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectElement = false;
  for (const ch of text) {
    if (ch === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (depth === 1 && expectElement && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectElement = true;
    if (lines.length === count) break;
  }
  return lines;
}
