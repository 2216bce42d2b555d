import { describe, expect, it } from 'vitest';
import type { Message } from '../providers/types.ts';
import { countTokens } from '../rag/tokens.ts';
import type { ModelCallRecord } from '../trace.ts';
import { fitContext, messageTokens, SUMMARY_PREFIX, summaryMessage, type Summarize } from './context.ts';

// Ten words, ten cl100k tokens: every plain message below costs 10 + 4 (overhead) = 14 tokens.
const TEN = 'one two three four five six seven eight nine ten';
const SYSTEM = 'You are helpful.'; // 4 tokens + 4 = 8
const NOW = new Date('2026-01-05T09:00:00Z');
const say = (role: 'user' | 'assistant'): Message => ({ role, content: TEN });
/** Three turns of a user message and a reply: 6 messages, 84 tokens. */
const HISTORY: Message[] = [say('user'), say('assistant'), say('user'), say('assistant'), say('user'), say('assistant')];
/** The new message, told apart from the history's by its words, not its size. */
const NEXT: Message = { role: 'user', content: 'ten nine eight seven six five four three two one' };

function call(text: string, error?: string): ModelCallRecord {
  return {
    step: 0,
    request: { messageCount: 2, tools: [], temperature: 0, maxTokens: 10 },
    ...(error ? { error } : { response: { text, toolCalls: [], finishReason: 'stop' } }),
    usage: { inputTokens: 90, outputTokens: 8 },
    latencyMs: 1,
    costUsd: 0.001,
    attempts: 1,
    priced: true,
    purpose: 'compaction',
  };
}

/** A summarizer that answers `text` and remembers what it was asked. */
function summarizer(text: string, error?: string): Summarize & { asked: Parameters<Summarize>[] } {
  const asked: Parameters<Summarize>[] = [];
  const fn = (async (...args: Parameters<Summarize>) => {
    asked.push(args);
    return { text: error ? '' : text, call: call(text, error) };
  }) as Summarize & { asked: Parameters<Summarize>[] };
  fn.asked = asked;
  return fn;
}

describe('the token counts the budgets below are worked out from', () => {
  it('counts 14 per ten-word message, 8 for the system prompt, 19 for the summary prefix', () => {
    expect(messageTokens(say('user'))).toBe(14);
    expect(messageTokens(NEXT)).toBe(14);
    expect(messageTokens({ role: 'system', content: SYSTEM })).toBe(8);
    expect(countTokens(SUMMARY_PREFIX)).toBe(19);
    expect(messageTokens(summaryMessage("The user's cat is Miso."))).toBe(4 + 19 + 8);
  });
});

describe('fitContext', () => {
  it('sends the whole conversation while it fits: 8 + 84 + 14 = 106 tokens within 106', async () => {
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 106, summaryTokens: 10 }, now: NOW });
    expect(fitted).toEqual({ messages: [...HISTORY, NEXT], modelCalls: [] });
  });

  it('drops the oldest turns when there is no summarizer, keeping the latest whole turns that fit', async () => {
    // Budget 80: 8 (system) + 14 (new message) leaves 58, which holds two 28-token turns: cut at message 2.
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 80, summaryTokens: 10 }, now: NOW });
    expect(fitted.messages).toEqual([...HISTORY.slice(2), NEXT]);
    expect(fitted.compaction).toEqual({
      state: { from: 2, method: 'drop' },
      record: { at: '2026-01-05T09:00:00.000Z', method: 'drop', messageIndex: 0, droppedMessages: 2, summaryTokens: 0, tokensBefore: 106, tokensAfter: 78, budget: 80 },
    });
  });

  it('summarises the turns that leave, keeping room for the summary', async () => {
    // Budget 100, summary room 4 + 19 + 10 = 33: 100 - 8 - 14 - 33 = 45 holds one turn, so messages 0..3 are summarised.
    const summarize = summarizer("The user's cat is Miso.");
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 100, summaryTokens: 10 }, summarize, now: NOW });
    expect(summarize.asked).toEqual([[HISTORY.slice(0, 4), undefined, 10]]);
    expect(fitted.messages).toEqual([summaryMessage("The user's cat is Miso."), ...HISTORY.slice(4), NEXT]);
    expect(fitted.modelCalls).toEqual([call("The user's cat is Miso.")]);
    // After: 8 + (4 + 19 + 8) + 28 + 14 = 81.
    expect(fitted.compaction).toEqual({
      state: { from: 4, method: 'summary', summary: "The user's cat is Miso." },
      record: { at: '2026-01-05T09:00:00.000Z', method: 'summary', messageIndex: 0, droppedMessages: 4, summaryTokens: 8, tokensBefore: 106, tokensAfter: 81, budget: 100 },
    });
  });

  it('keeps a saved summary while the prompt fits, and folds it into the next summary when it does not', async () => {
    const state = { from: 4, method: 'summary' as const, summary: 'Earlier: cat Miso.' };
    const kept = await fitContext({ system: SYSTEM, history: HISTORY, state, next: NEXT, budget: { maxTokens: 100, summaryTokens: 10 }, now: NOW });
    expect(kept).toEqual({ messages: [summaryMessage('Earlier: cat Miso.'), ...HISTORY.slice(4), NEXT], modelCalls: [] });

    const longer = [...HISTORY, say('user'), say('assistant')];
    const summarize = summarizer('Cat Miso; more talk.');
    const fitted = await fitContext({ system: SYSTEM, history: longer, state, next: NEXT, budget: { maxTokens: 100, summaryTokens: 10 }, summarize, now: NOW });
    expect(summarize.asked).toEqual([[longer.slice(4, 6), 'Earlier: cat Miso.', 10]]);
    expect(fitted.compaction?.state).toEqual({ from: 6, method: 'summary', summary: 'Cat Miso; more talk.' });
    expect(fitted.compaction?.record.droppedMessages).toBe(2);
  });

  it('cuts a summary longer than its room to summaryTokens', async () => {
    const summarize = summarizer(`${TEN} eleven twelve`);
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 100, summaryTokens: 10 }, summarize, now: NOW });
    expect(fitted.compaction?.state.summary).toBe(TEN);
    expect(fitted.compaction?.record.summaryTokens).toBe(10);
  });

  it('falls back to dropping when the summary call fails, and says why', async () => {
    const summarize = summarizer('', 'openai: rate limited (429)');
    // Without the summary's room: 100 - 8 - 14 = 78 holds two turns, so only messages 0..1 leave.
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 100, summaryTokens: 10 }, summarize, now: NOW });
    expect(fitted.messages).toEqual([...HISTORY.slice(2), NEXT]);
    expect(fitted.modelCalls).toEqual([call('', 'openai: rate limited (429)')]);
    expect(fitted.compaction?.record).toMatchObject({ method: 'drop', droppedMessages: 2, summaryTokens: 0, tokensAfter: 78, fallback: 'summary failed: openai: rate limited (429)' });
  });

  it('never parts a tool result from its call: a turn leaves whole even when half of it would fit', async () => {
    const turnA: Message[] = [
      say('user'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'memory_write', arguments: { text: 'cat: Miso' } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'memory_write', content: 'Saved.' },
      say('assistant'),
    ];
    expect(turnA.map(messageTokens)).toEqual([14, 14, 8, 14]);
    // Budget 75: from the tool result on would be 8 + 22 + 28 + 14 = 72, but the cut must fall on turn B's user message: 50.
    const fitted = await fitContext({ system: SYSTEM, history: [...turnA, say('user'), say('assistant')], next: NEXT, budget: { maxTokens: 75, summaryTokens: 10 }, now: NOW });
    expect(fitted.compaction?.record).toMatchObject({ droppedMessages: 4, tokensBefore: 100, tokensAfter: 50 });
  });

  it('keeps the latest message whole even when it alone is over budget, dropping every older turn', async () => {
    const fitted = await fitContext({ system: SYSTEM, history: HISTORY, next: NEXT, budget: { maxTokens: 20, summaryTokens: 10 }, now: NOW });
    expect(fitted.messages).toEqual([NEXT]);
    expect(fitted.compaction?.record).toMatchObject({ droppedMessages: 6, tokensAfter: 22, budget: 20 });
  });
});
