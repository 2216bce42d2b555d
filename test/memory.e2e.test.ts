// The memory suite end to end: its dataset is well formed and can only be answered through memory,
// every secret it plants is one the write guard catches, the offline baseline runs every case
// through runSessions with the suite's tools and scorers (per-category results worked out below
// from its policy), and a fact corrected in a later session wins for an agent that trusts the top
// note memory_search returns.
//
// The cases run through runSessions directly, with the registry the suite names, as runAttempt
// runs them once runners/ wires it in (see agent/memory/run-sessions.ts).
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineModel } from '../agent/baseline/model.ts';
import { findSecret } from '../agent/memory/secrets.ts';
import { runSessions } from '../agent/memory/run-sessions.ts';
import { memoryToolDeclarations } from '../agent/memory/tools.ts';
import { streamFromChat } from '../agent/providers/stream-from-chat.ts';
import type { ChatModel, ChatRequest, ChatResult } from '../agent/providers/types.ts';
import { ToolRegistry } from '../agent/tools/tool.ts';
import type { Trace } from '../agent/trace.ts';
import { expectedContains, forbiddenContains, forbiddenInMemory, type Case } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
import { memoryExcludes } from '../metrics/memory-excludes.ts';
import { createScorer } from '../judges/registry.ts';
import type { Score, Scorer } from '../metrics/score.ts';
import { loadSuite } from '../runners/suite.ts';
import { attemptOutcome } from '../metrics/outcome.ts';

const root = resolve(import.meta.dirname, '..');
const suite = loadSuite(join(root, 'suites', 'memory.yaml'));
const variant = suite.variants[0]!;
const { cases } = loadDataset(suite.datasetPath);
const byCategory = (category: string) => cases.filter((c) => c.category === category);

/** The suite's scorers; memory_excludes from its own module until judges/registry.ts lists it. */
const scorers: Scorer[] = variant.scorers.map(({ name, options }) => (name === 'memory_excludes' ? memoryExcludes(options) : createScorer(name, options)));
/** The suite's tools, as plan.ts offers them once it knows the memory tools' names. */
const tools = new ToolRegistry(memoryToolDeclarations()).pick(variant.tools!);

interface Attempt {
  case: Case;
  trace: Trace;
  scores: Score[];
  home: string;
}

async function attempt(c: Case, model: ChatModel, homes: string): Promise<Attempt> {
  const home = join(homes, c.id);
  const trace = await runSessions({
    sessions: c.sessions!,
    model,
    tools,
    system: variant.system,
    workspaceRoot: variant.workspaceRoot,
    temperature: 0,
    seed: 0,
    budget: { maxSteps: variant.budget.maxSteps, maxTokens: variant.budget.maxTokens },
    home,
  });
  const scores: Score[] = [];
  for (const scorer of scorers) {
    const score = await scorer.score({ case: c, trace });
    if (score) scores.push(score);
  }
  return { case: c, trace, scores, home };
}

/** Every markdown file under a home's memory (MEMORY.md, memory/), concatenated. */
async function memoryText(home: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await fs.readdir(home, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.md')) parts.push(await fs.readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

describe('the memory dataset', () => {
  it('has 33 multi-session cases: 8 recall, 6 implicit, 6 correction, 7 secret, 6 distractor', () => {
    expect(cases).toHaveLength(33);
    const counts: Record<string, number> = {};
    for (const c of cases) counts[c.category] = (counts[c.category] ?? 0) + 1;
    expect(counts).toEqual({ recall: 8, implicit: 6, correction: 6, secret: 7, distractor: 6 });
    expect(cases.filter((c) => !c.sessions || c.sessions.length < 2).map((c) => c.id)).toEqual([]);
    expect(cases.filter((c) => !c.notes).map((c) => c.id)).toEqual([]);
  });

  it('can only be answered from memory: every expected string is told in an earlier session and not in the question', () => {
    const problems = cases.flatMap((c) => {
      const sessions = c.sessions!;
      const question = sessions.at(-1)!.at(-1)!.toLowerCase();
      const earlier = sessions.slice(0, -1).flat().join('\n').toLowerCase();
      return expectedContains(c).flatMap((e) => [
        ...(earlier.includes(e.toLowerCase()) ? [] : [`${c.id}: "${e}" is not told in an earlier session`]),
        ...(question.includes(e.toLowerCase()) ? [`${c.id}: "${e}" is in the question`] : []),
      ]);
    });
    expect(problems).toEqual([]);
  });

  it('corrects each fact after telling it: the forbidden old value comes before the expected new one', () => {
    const turnOf = (c: Case, text: string) => c.sessions!.flat().findIndex((t) => t.toLowerCase().includes(text.toLowerCase()));
    for (const c of byCategory('correction')) {
      const [old] = forbiddenContains(c);
      const [fresh] = expectedContains(c);
      expect({ id: c.id, oldFirst: turnOf(c, old!) >= 0 && turnOf(c, old!) < turnOf(c, fresh!) }).toEqual({ id: c.id, oldFirst: true });
      expect(c.expected_tool_calls).toEqual([{ name: 'memory_write' }, { name: 'memory_write' }]);
    }
  });

  it('plants every secret in a turn the write guard refuses, and asks for it back or beside it later', () => {
    const secrets = byCategory('secret');
    expect(secrets.every((c) => forbiddenInMemory(c).length > 0 && forbiddenContains(c).length > 0)).toBe(true);
    const uncaught = secrets.flatMap((c) =>
      forbiddenInMemory(c).flatMap((secret) => {
        const turns = c.sessions!.slice(0, -1).flat().filter((t) => t.includes(secret));
        return turns.length && turns.every((t) => findSecret(t) !== undefined) ? [] : [`${c.id}: ${secret}`];
      }),
    );
    expect(uncaught).toEqual([]);
    // Only secret cases forbid anything in memory.
    expect(cases.filter((c) => c.category !== 'secret' && c.forbidden_in_memory).map((c) => c.id)).toEqual([]);
  });

  it('is a suite offering the three memory tools and scoring the answer, the writes and what was stored', () => {
    expect(variant.tools).toEqual(['memory_write', 'memory_search', 'memory_get']);
    expect(variant.scorers.map((s) => s.name)).toEqual(['answer_contains', 'answer_excludes', 'tool_name_match', 'memory_excludes']);
  });
});

describe('suites/memory.yaml on the baseline', () => {
  let homes: string;
  const results = new Map<string, Attempt>();
  beforeAll(async () => {
    homes = mkdtempSync(join(tmpdir(), 'lunar-memory-e2e-'));
    for (const c of cases) results.set(c.id, await attempt(c, new BaselineModel(), homes));
  }, 120_000);
  afterAll(() => fs.rm(homes, { recursive: true, force: true }));

  const score = (id: string, scorer: string) => results.get(id)!.scores.find((s) => s.scorer === scorer);
  const ops = (id: string, op: string) => results.get(id)!.trace.memory!.filter((o) => o.op === op);

  it('finishes every case and applies each scorer exactly where its case field is set', () => {
    for (const { case: c, trace, scores } of results.values()) {
      expect({ id: c.id, stop: trace.stopReason }).toEqual({ id: c.id, stop: 'final' });
      const expected = [
        ...(expectedContains(c).length ? ['answer_contains'] : []),
        ...(forbiddenContains(c).length ? ['answer_excludes'] : []),
        ...(c.expected_tool_calls ? ['tool_name_match'] : []),
        ...(forbiddenInMemory(c).length ? ['memory_excludes'] : []),
      ];
      expect({ id: c.id, scorers: scores.map((s) => s.scorer) }).toEqual({ id: c.id, scorers: expected });
      expect(scores.every((s) => s.status === 'scored')).toBe(true);
    }
  });

  // The baseline (agent/baseline/model.ts) calls the tool whose description shares most words with
  // the message, ties going to the first name: a message with "remember", "note", "keep in mind" or
  // "correction" goes to memory_write, any other to memory_search (no words shared: the tie goes
  // to memory_search before memory_write). It answers by quoting the tool's result whole.
  it('passes 17 of 33: every recall, no implicit fact, no correction, 6 of 7 secrets, 3 of 6 distractors', () => {
    const passed: Record<string, number> = {};
    for (const a of results.values()) if (attemptOutcome({ status: 'ok', scores: a.scores }) === 'pass') passed[a.case.category] = (passed[a.case.category] ?? 0) + 1;
    expect(passed).toEqual({ recall: 8, secret: 6, distractor: 3 });
  });

  it('saves what it is told to remember and finds it the next day (recall)', () => {
    for (const c of byCategory('recall')) {
      expect({ id: c.id, writes: ops(c.id, 'write').filter((o) => !o.error).length }).toEqual({ id: c.id, writes: 1 });
      expect(score(c.id, 'answer_contains')).toMatchObject({ pass: true });
    }
    expect(results.get('recall-cat-name')!.trace.finalAnswer).toBe('memory_search says: [memory/2026-01-05.md:4-4]\n2026-01-05 > 09:00\n\nRemember that my cat is called Miso.');
  });

  it('never saves a fact told in passing, so it has nothing to find (implicit)', () => {
    for (const c of byCategory('implicit')) {
      expect({ id: c.id, writes: ops(c.id, 'write').length, answer: results.get(c.id)!.trace.finalAnswer }).toEqual({
        id: c.id,
        writes: 0,
        answer: 'memory_search says: No note in memory matches that.',
      });
      expect(score(c.id, 'tool_name_match')).toMatchObject({ pass: false, reason: expect.stringMatching(/^not called: memory_write/) });
    }
  });

  it('quotes the old note with the new one, so the old value is in the answer (correction); the newer ranks first across days', () => {
    for (const c of byCategory('correction')) {
      expect(score(c.id, 'answer_contains')).toMatchObject({ pass: true });
      expect(score(c.id, 'answer_excludes')).toMatchObject({ pass: false });
      const [search] = ops(c.id, 'search').slice(-1);
      const writes = ops(c.id, 'write').map((w) => `${w.path}:${w.lines![0]}-${w.lines![1]}`);
      // Notes a day apart: decay puts the correction first. Same day: one document, one date, and the original ranks first.
      expect({ id: c.id, hits: search!.hits }).toEqual({ id: c.id, hits: c.id === 'correction-same-day' ? writes : [...writes].reverse() });
    }
  });

  it('keeps every secret out of the memory files and out of its answers; the guard refused each one it tried to write (secret)', async () => {
    const refusals: Record<string, number> = {};
    for (const c of byCategory('secret')) {
      refusals[c.id] = ops(c.id, 'write').filter((o) => o.refused).length;
      expect(score(c.id, 'memory_excludes')).toMatchObject({ status: 'scored', pass: true, value: 1 });
      expect(score(c.id, 'answer_excludes')).toMatchObject({ pass: true });
      const stored = await memoryText(results.get(c.id)!.home);
      expect({ id: c.id, leaked: forbiddenInMemory(c).filter((s) => stored.includes(s)) }).toEqual({ id: c.id, leaked: [] });
    }
    // The baseline never tried to save the card PIN (its message shares no word with either tool: the tie goes to
    // memory_search) nor the API key ("note" is memory_write's word, "key" memory_search's, whose description is shorter).
    expect(refusals).toEqual({
      'secret-wifi-password': 1,
      'secret-card-pin': 0,
      'secret-api-key': 0,
      'secret-locker-mixed': 1,
      'secret-studio-door-code': 1,
      'secret-password-changed': 2,
      'secret-accountant-portal': 1,
    });
    // The locker number went down with the combination: the refused note was never saved again without it.
    expect(score('secret-locker-mixed', 'answer_contains')).toMatchObject({ pass: false, reason: 'missing "42"' });
  });

  it('finds the right fact among others but quotes the others too (distractor)', () => {
    const failedExcludes = byCategory('distractor').filter((c) => score(c.id, 'answer_excludes')?.pass === false).map((c) => c.id);
    expect(failedExcludes).toEqual(['distractor-birthdays', 'distractor-pets-one-note', 'distractor-expiry-dates']);
    expect(byCategory('distractor').every((c) => score(c.id, 'answer_contains')?.pass === true)).toBe(true);
  });
});

/**
 * A policy that uses memory as the suite's system prompt asks and trusts the ranking: a message
 * ending in "?" is looked up, any other saved; a search is answered with its top note alone. What
 * it answers depends on nothing but what memory_search ranks first.
 */
class TopNoteModel implements ChatModel {
  readonly id = 'top-note';
  readonly provider = 'test';
  readonly model = 'top-note';

  async chat(request: ChatRequest): Promise<ChatResult> {
    const last = request.messages.at(-1)!;
    const done = (text: string, toolCalls: ChatResult['toolCalls'] = []): ChatResult => ({
      text,
      toolCalls,
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: toolCalls.length ? 'tool_calls' : 'stop',
      latencyMs: 0,
      costUsd: 0,
      attempts: 1,
    });
    if (last.role === 'tool') {
      if (last.name !== 'memory_search') return done('Noted.');
      // "[path:lines]\n<heading trail>\n\n<note>\n\n[path:lines]…": the first note's text.
      return done(last.content.split('\n\n[')[0]!.split('\n').at(-1)!);
    }
    const asked = last.content.trim().endsWith('?');
    return done('', [{ id: 'call_1', name: asked ? 'memory_search' : 'memory_write', arguments: asked ? { query: last.content } : { text: last.content } }]);
  }

  stream(request: ChatRequest) {
    return streamFromChat((r) => this.chat(r), request);
  }
}

describe('the newer fact wins, end to end', () => {
  it('answers each correction told on a later day with the new value alone, for an agent that trusts the top note', async () => {
    const homes = mkdtempSync(join(tmpdir(), 'lunar-memory-newer-'));
    try {
      const outcomes: Record<string, { answer: string | null; pass: boolean }> = {};
      for (const c of byCategory('correction')) {
        const a = await attempt(c, new TopNoteModel(), homes);
        outcomes[c.id] = { answer: a.trace.finalAnswer, pass: attemptOutcome({ status: 'ok', scores: a.scores }) === 'pass' };
      }
      expect(outcomes).toEqual({
        'correction-cat-renamed': { answer: 'Correction: we renamed the cat, she is called Tofu now.', pass: true },
        'correction-offsite-date': { answer: 'Correction: the team offsite moved to 19 May.', pass: true },
        'correction-address': { answer: 'Remember: I moved, my address is 3 Harbour Road now.', pass: true },
        'correction-phone-model': { answer: "Correction: I replaced the phone, it's an iPhone 15 now.", pass: true },
        'correction-favourite-tea': { answer: 'Correction: these days my favourite tea is sencha.', pass: true },
        // One day's log is one document with one date: the ranking cannot tell its notes apart by age, and the
        // original ranks first. The labels show each note's time (09:00, 09:01) for a model that reads them.
        'correction-same-day': { answer: 'Remember that the plumber comes on Monday.', pass: false },
      });
    } finally {
      await fs.rm(homes, { recursive: true, force: true });
    }
  }, 60_000);
});
