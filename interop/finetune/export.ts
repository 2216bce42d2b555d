// `lunar export finetune --run <id>`: a stored run's good trajectories as chat fine-tuning JSONL.
// Each attempt kept (select.ts) becomes one example, in OpenAI's chat format or ShareGPT
// (conversation.ts), redacted (secrets.ts), checked against the format's rules, deduplicated by
// content, and split by case into train.jsonl and valid.jsonl with a seed (split.ts). Every
// attempt left out is counted under its reason.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../../agent/providers/cache-keys.ts';
import { countTokens } from '../../agent/rag/tokens.ts';
import { InputError } from '../../core/errors.ts';
import { ResultsStore } from '../../runners/store.ts';
import { knownToolSpecs, openAiExample, shareGptExample, UNKNOWN_DEFINITIONS } from './conversation.ts';
import { checkOpenAiExample, type OpenAiExample } from './openai-format.ts';
import { assertNoSecrets, environmentSecrets, redactDeep } from './secrets.ts';
import { selectAttempt, type SelectOptions } from './select.ts';
import { checkShareGptExample, type ShareGptExample } from './sharegpt-format.ts';
import { seededSplit } from './split.ts';

export const FINETUNE_FORMATS = ['openai', 'sharegpt'] as const;
export type FinetuneFormat = (typeof FINETUNE_FORMATS)[number];

/** OpenAI's training context for its chat models (gpt-4o-mini, gpt-4.1): longer examples are refused. */
export const DEFAULT_MAX_TOKENS = 65_536;

export interface FinetuneOptions extends SelectOptions {
  home: string;
  runId: string;
  format: FinetuneFormat;
  /** Share of cases whose examples go to validation (default 0.1). */
  split?: number;
  seed?: number;
  out: string;
  /** Longest example kept, in cl100k_base tokens (an estimate of OpenAI's count). */
  maxTokens?: number;
  /** Where secret values are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface FinetuneResult {
  attempts: number;
  /** Attempts left out, by reason. */
  dropped: Record<string, number>;
  duplicates: number;
  /** Examples in which something was redacted. */
  redacted: number;
  /** ShareGPT: examples whose assistant text beside tool calls was left out. */
  droppedText: number;
  train: number;
  valid: number;
  files: string[];
}

export function exportFinetune(options: FinetuneOptions): FinetuneResult {
  const rows = readRun(options.home, options.runId);
  const specs = knownToolSpecs();
  const secrets = environmentSecrets(options.env);
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const dropped: Record<string, number> = {};
  const drop = (reason: string) => void (dropped[reason] = (dropped[reason] ?? 0) + 1);
  const seen = new Set<string>();
  const examples: { line: string; caseKey: string }[] = [];
  let duplicates = 0;
  let redacted = 0;
  let droppedText = 0;
  const unknownTools = new Set<string>();

  for (const row of rows) {
    const selection = selectAttempt(row, options);
    if (!selection.keep) {
      drop(selection.reason);
      continue;
    }
    const converted = openAiExample(row.trace, specs);
    if (!converted.ok) {
      drop(converted.reason);
      for (const name of converted.unknownTools ?? []) unknownTools.add(name);
      continue;
    }
    const clean = redactDeep(converted.example, secrets);
    if (tokensOf(clean.value) > maxTokens) {
      drop(`over ${maxTokens} tokens`);
      continue;
    }
    const formatted = inFormat(clean.value, options.format);
    if ('reason' in formatted) {
      drop(formatted.reason);
      continue;
    }
    droppedText += formatted.droppedText;
    const key = canonicalJson(formatted.example);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (clean.changed) redacted++;
    examples.push({ line: JSON.stringify(formatted.example), caseKey: `${row.suite}\u0000${row.caseId}` });
  }
  // One line for every attempt whose tools have no definition, whichever tools they were.
  if (unknownTools.size) {
    const names = [...unknownTools].sort();
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    dropped[`${UNKNOWN_DEFINITIONS} (${shown}): the run was recorded before traces kept the tools offered; run it again to export it`] = dropped[UNKNOWN_DEFINITIONS]!;
    delete dropped[UNKNOWN_DEFINITIONS];
  }
  if (examples.length === 0) {
    const why = Object.entries(dropped).map(([reason, n]) => `${n} ${reason}`).join(', ');
    throw new InputError(`run ${options.runId}: no attempt makes a training example (${rows.length} attempts${why ? `: ${why}` : ''}); lower --min-score or name another run`);
  }

  const split = seededSplit(examples, options.split ?? 0.1, options.seed ?? 0, (e) => e.caseKey);
  const [train, valid] = [split.train.map((e) => e.line), split.valid.map((e) => e.line)];
  const dir = resolve(options.out);
  const files = [join(dir, 'train.jsonl'), ...(valid.length ? [join(dir, 'valid.jsonl')] : [])];
  const texts = [train, valid].map((lines) => lines.map((l) => `${l}\n`).join(''));
  texts.forEach((text, i) => assertNoSecrets(text, secrets, files[i] ?? join(dir, 'valid.jsonl')));
  mkdirSync(dir, { recursive: true });
  writeFileSync(files[0]!, texts[0]!);
  // A valid.jsonl from an earlier export with a split would otherwise be taken for this one's.
  if (valid.length) writeFileSync(files[1]!, texts[1]!);
  else rmSync(join(dir, 'valid.jsonl'), { force: true });
  return { attempts: rows.length, dropped, duplicates, redacted, droppedText, train: train.length, valid: valid.length, files };
}

function readRun(home: string, runId: string) {
  const file = join(home, 'results.db');
  if (!existsSync(file)) throw new InputError(`${file}: no results store here; run lunar bench first, or point --home at one`);
  const store = new ResultsStore(file);
  try {
    if (!store.run(runId)) throw new InputError(`--run: no run ${runId} in ${file}`);
    return store.rows(runId);
  } finally {
    store.close();
  }
}

type Formatted = { example: OpenAiExample | ShareGptExample; droppedText: number } | { reason: string };

/** The example in the chosen format, or the first rule of that format it breaks. */
function inFormat(example: OpenAiExample, format: FinetuneFormat): Formatted {
  if (format === 'openai') {
    const problems = checkOpenAiExample(example);
    return problems.length ? { reason: `breaks the OpenAI format: ${general(problems[0]!)}` } : { example, droppedText: 0 };
  }
  const converted = shareGptExample(example);
  if (!converted.ok) return { reason: `not ShareGPT: ${converted.reason}` };
  const problems = checkShareGptExample(converted.example);
  return problems.length ? { reason: `breaks the ShareGPT format: ${general(problems[0]!)}` } : { example: converted.example, droppedText: converted.droppedText };
}

/** A rule's message without the position, so that one rule is one line of the count. */
function general(problem: string): string {
  return problem.replace(/^(messages|conversations)\.\d+: /, '').replace(/\bcall_\d+\b/g, 'call_N');
}

/** Contents, tool calls and tool definitions in cl100k_base, plus OpenAI's 3 tokens a message. */
function tokensOf(example: OpenAiExample): number {
  let total = example.tools ? countTokens(JSON.stringify(example.tools)) : 0;
  for (const m of example.messages) {
    total += 3 + countTokens(m.content ?? '');
    if (m.role === 'assistant' && m.tool_calls) total += countTokens(JSON.stringify(m.tool_calls));
  }
  return total;
}
