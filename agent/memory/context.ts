// Context management: the prompt of a turn has a token budget. While the conversation fits, the
// whole transcript is sent. When it outgrows the budget, older turns leave the prompt, a whole
// turn at a time from the oldest, until it fits again; the system prompt and the latest turns
// stay whole (a turn starts at a user message, so no tool result is ever parted from its call).
// What left is either summarised by the model into one system message that stands in for it, or
// simply dropped (no model to summarise with — the baseline, a script — or the model failed).
//
// Tokens are counted with cl100k_base (rag/tokens.ts) for every model: a close estimate for the
// others, and the same budget means the same cut on every target. Each message counts its text,
// its tool calls' names and arguments, and MESSAGE_OVERHEAD for the role and framing. Tool specs
// are not counted: they are the same every turn, and a budget is set with them in mind.

import { countTokens, truncateToTokens } from '../rag/tokens.ts';
import type { Message } from '../providers/types.ts';
import type { CompactionRecord, ModelCallRecord } from '../trace.ts';
import type { CompactionState } from './session.ts';

export interface ContextBudget {
  /** Most tokens a turn's prompt may hold: system prompt, summary, kept turns, the new message. */
  maxTokens: number;
  /** Room kept for a summary when summarising, and the longest summary used. */
  summaryTokens: number;
}

export const DEFAULT_CONTEXT_BUDGET: ContextBudget = { maxTokens: 12_000, summaryTokens: 500 };

/** Tokens a chat format spends per message on its role and delimiters (OpenAI's rule of thumb). */
export const MESSAGE_OVERHEAD = 4;

export const SUMMARY_PREFIX = 'Summary of the earlier part of this conversation (older turns were compacted to fit the context):\n';

/** Summarises `older` (with the previous summary, if any) in at most `maxTokens`; throws when it cannot. */
export type Summarize = (older: Message[], previous: string | undefined, maxTokens: number) => Promise<{ text: string; call: ModelCallRecord }>;

export interface FitInput {
  system?: string;
  /** The whole transcript so far. */
  history: readonly Message[];
  /** Where the last compaction left the prompt's start. */
  state?: CompactionState;
  /** The new user message. */
  next: Message;
  budget: ContextBudget;
  /** Absent: compaction drops. */
  summarize?: Summarize;
  now: Date;
}

export interface Fitted {
  /** What to send after the system prompt: the summary (if any), the kept turns, the new message. */
  messages: Message[];
  /** Set when this turn compacted: the state to save, and the record for the Trace (messageIndex left 0 for the caller). */
  compaction?: { state: CompactionState; record: CompactionRecord };
  /** The summarising call, when one was made (successful or not). */
  modelCalls: ModelCallRecord[];
}

export function messageTokens(message: Message): number {
  let tokens = MESSAGE_OVERHEAD + countTokens(message.content);
  if (message.role === 'assistant') for (const call of message.toolCalls ?? []) tokens += countTokens(call.name) + countTokens(JSON.stringify(call.arguments));
  if (message.role === 'tool') tokens += countTokens(message.name);
  return tokens;
}

export function summaryMessage(summary: string): Message {
  return { role: 'system', content: SUMMARY_PREFIX + summary };
}

export async function fitContext(input: FitInput): Promise<Fitted> {
  const { history, next, budget } = input;
  const systemTokens = input.system ? messageTokens({ role: 'system', content: input.system }) : 0;
  const from = Math.min(input.state?.from ?? 0, history.length);
  const previous = input.state?.method === 'summary' ? input.state.summary : undefined;
  // suffix[i]: tokens of history[i..] — the cost of keeping everything from i on.
  const suffix = new Array<number>(history.length + 1).fill(0);
  for (let i = history.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + messageTokens(history[i]!);
  const nextTokens = messageTokens(next);
  const promptFrom = (start: number, summary: string | undefined): Message[] => [
    ...(summary !== undefined ? [summaryMessage(summary)] : []),
    ...history.slice(start),
    next,
  ];
  const before = promptFrom(from, previous);
  const tokensBefore = systemTokens + sum(before.map(messageTokens));
  if (tokensBefore <= budget.maxTokens) return { messages: before, modelCalls: [] };

  const reserve = input.summarize ? MESSAGE_OVERHEAD + countTokens(SUMMARY_PREFIX) + budget.summaryTokens : 0;
  const keepFrom = (extra: number) => cutPoint(history, from, (i) => systemTokens + extra + suffix[i]! + nextTokens <= budget.maxTokens);
  const record = (method: 'summary' | 'drop', start: number, summary: string | undefined, fallback?: string): Fitted['compaction'] => {
    const after = promptFrom(start, summary);
    return {
      state: { from: start, method, ...(summary !== undefined ? { summary } : {}) },
      record: {
        at: input.now.toISOString(),
        method,
        messageIndex: 0,
        droppedMessages: start - from,
        summaryTokens: summary !== undefined ? countTokens(summary) : 0,
        tokensBefore,
        tokensAfter: systemTokens + sum(after.map(messageTokens)),
        budget: budget.maxTokens,
        ...(fallback ? { fallback } : {}),
      },
    };
  };

  if (input.summarize) {
    const start = keepFrom(reserve);
    // Nothing new leaves the prompt (the latest turn alone is over budget): keep the summary as it is.
    if (start === from) return { messages: before, modelCalls: [] };
    let outcome: Awaited<ReturnType<Summarize>> | undefined;
    let failure: string;
    try {
      outcome = await input.summarize(history.slice(from, start), previous, budget.summaryTokens);
      failure = outcome.call.error ?? (outcome.text.trim() === '' ? 'the model gave an empty summary' : '');
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const calls = outcome ? [outcome.call] : [];
    if (outcome && !failure) {
      const summary = truncateToTokens(outcome.text.trim(), budget.summaryTokens);
      return { messages: promptFrom(start, summary), compaction: record('summary', start, summary), modelCalls: calls };
    }
    const dropped = keepFrom(0);
    return { messages: promptFrom(dropped, undefined), compaction: record('drop', dropped, undefined, `summary failed: ${failure!}`), modelCalls: calls };
  }
  const start = keepFrom(0);
  if (start === from && previous === undefined) return { messages: before, modelCalls: [] };
  return { messages: promptFrom(start, undefined), compaction: record('drop', start, undefined), modelCalls: [] };
}

/**
 * The earliest turn start at or after `from` from which the rest fits; the end of the history
 * (keep no old turn) when none does. A turn starts at a user message.
 */
function cutPoint(history: readonly Message[], from: number, fits: (start: number) => boolean): number {
  for (let i = from; i < history.length; i++) {
    if (history[i]!.role === 'user' && fits(i)) return i;
  }
  return history.length;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
