// A multi-session case, run: each session a fresh conversation (its own transcript, nothing of
// the earlier sessions in its prompt), every session sharing one memory root, so whatever the
// agent remembers from one session to the next went through the memory tools. The result is ONE
// Trace for the whole case, so every scorer works on it unchanged:
//
//  - messages: each session's system prompt and turns, sessions in order (`sessions` says where
//    each starts); finalAnswer and citations: the last turn's, the one the expectations are about;
//  - modelCalls and toolCalls of every turn, steps numbered on across turns (a compaction's
//    summarising call keeps step 0); retrieved chunks of every turn;
//  - memory: every memory operation, with its session; compactions, with their session and the
//    index in `messages` of the user message each made room for;
//  - usage, cost: summed; latency: the whole case; stopReason: the last turn's, unless a turn
//    failed (error, aborted), which ends the case there with that turn named in `error`.
//
// The clock is simulated: session i (from 0) starts at `start` + i days (`daysBetweenSessions`),
// turn j of a session j minutes after its start, so notes land in daily logs a day apart, decay
// has something to rank by, and a run is the same on any day. Transcripts and memory live in
// `home` (default: a fresh temporary folder, removed afterwards), so attempts never share memory.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions } from '../loop.ts';
import type { Message } from '../providers/types.ts';
import type { CompactionRecord, MemoryOpRecord, ModelCallRecord, RetrievedChunk, SessionRecord, ToolCallRecord, Trace } from '../trace.ts';
import type { ContextBudget, Summarize } from './context.ts';
import { openSession } from './session.ts';
import { MemoryStore, type MemoryStoreOptions } from './store.ts';
import { runTurn } from './turn.ts';

export const DEFAULT_SESSIONS_START = '2026-01-05T09:00:00.000Z';
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface SessionsRunOptions extends Omit<RunOptions, 'messages' | 'now'> {
  /** The user's turns, session by session. */
  sessions: readonly (readonly string[])[];
  /** Where transcripts (`sessions/`) and memory (`MEMORY.md`, `memory/`) go; default a temporary folder, removed afterwards. */
  home?: string;
  clock?: { start?: string; daysBetweenSessions?: number };
  context?: Partial<ContextBudget>;
  memory?: MemoryStoreOptions;
  /** See TurnOptions.summarize. */
  summarize?: Summarize | null;
}

export async function runSessions(options: SessionsRunOptions): Promise<Trace> {
  const { sessions, home: given, clock, context, memory: memoryOptions, summarize, ...agent } = options;
  const started = performance.now();
  const start = Date.parse(clock?.start ?? DEFAULT_SESSIONS_START);
  if (Number.isNaN(start)) throw new Error(`clock.start: not a date: ${clock?.start}; use an ISO time such as ${DEFAULT_SESSIONS_START}`);
  const days = clock?.daysBetweenSessions ?? 1;
  const home = given ?? (await mkdtemp(join(tmpdir(), 'lunar-sessions-')));
  const memory = new MemoryStore(home, memoryOptions);
  const merged = new MergedTrace(agent.model.id);
  try {
    for (let s = 0; s < sessions.length; s++) {
      const sessionStart = start + s * days * DAY_MS;
      let turnTime = sessionStart;
      const session = await openSession(home, `session-${s + 1}`, { now: () => new Date(turnTime) });
      merged.startSession(session.id, agent.system);
      for (let t = 0; t < sessions[s]!.length; t++) {
        turnTime = sessionStart + t * MINUTE_MS;
        const at = new Date(turnTime);
        const before = session.messages().length;
        const trace = await runTurn({ ...agent, session, input: sessions[s]![t]!, memory, context, summarize, now: () => at });
        merged.addTurn(trace, session.messages().slice(before), s + 1);
        if (trace.stopReason === 'error' || trace.stopReason === 'aborted') {
          merged.fail(trace, `session ${s + 1}, turn ${t + 1}: ${trace.error ?? trace.stopReason}`);
          return merged.trace(performance.now() - started);
        }
      }
    }
    return merged.trace(performance.now() - started);
  } finally {
    memory.close();
    if (given === undefined) await rm(home, { recursive: true, force: true });
  }
}

/** The case's Trace, built turn by turn (also by the Telegram replay of a multi-session case). */
export class MergedTrace {
  private readonly messages: Message[] = [];
  private readonly modelCalls: ModelCallRecord[] = [];
  private readonly toolCalls: ToolCallRecord[] = [];
  private readonly retrieved: RetrievedChunk[] = [];
  private readonly memory: MemoryOpRecord[] = [];
  private readonly compactions: CompactionRecord[] = [];
  private readonly sessions: SessionRecord[] = [];
  private last: Trace | undefined;
  private failure: string | undefined;
  private steps = 0;

  constructor(private readonly target: string) {}

  startSession(id: string, system: string | undefined): void {
    this.sessions.push({ id, firstMessage: this.messages.length, turns: 0 });
    if (system) this.messages.push({ role: 'system', content: system });
  }

  /** `added`: the messages the turn saved to its transcript (its user message first). */
  addTurn(trace: Trace, added: readonly Message[], session: number): void {
    const userIndex = this.messages.length;
    this.messages.push(...added);
    const offset = this.steps;
    const renumber = <T extends { step: number }>(item: T): T => {
      const step = item.step === 0 ? 0 : item.step + offset;
      this.steps = Math.max(this.steps, step);
      return { ...item, step };
    };
    this.modelCalls.push(...trace.modelCalls.map(renumber));
    this.toolCalls.push(...trace.toolCalls.map(renumber));
    this.retrieved.push(...trace.retrieved);
    this.memory.push(...(trace.memory ?? []).map((op) => ({ ...op, session })));
    this.compactions.push(...(trace.compactions ?? []).map((c) => ({ ...c, session, messageIndex: userIndex })));
    this.sessions[this.sessions.length - 1]!.turns++;
    this.last = trace;
  }

  fail(trace: Trace, error: string): void {
    this.last = trace;
    this.failure = error;
  }

  trace(latencyMs: number): Trace {
    const last = this.last;
    const sum = (pick: (c: ModelCallRecord) => number) => this.modelCalls.reduce((n, c) => n + pick(c), 0);
    const estimated = this.modelCalls.some((c) => c.usage.estimated);
    return {
      target: this.target,
      messages: this.messages,
      modelCalls: this.modelCalls,
      toolCalls: this.toolCalls,
      retrieved: this.retrieved,
      finalAnswer: this.failure ? null : (last?.finalAnswer ?? null),
      citations: this.failure ? [] : (last?.citations ?? []),
      stopReason: last?.stopReason ?? 'final',
      ...(this.failure ? { error: this.failure } : last?.error ? { error: last.error } : {}),
      usage: { inputTokens: sum((c) => c.usage.inputTokens), outputTokens: sum((c) => c.usage.outputTokens), ...(estimated ? { estimated: true } : {}) },
      latencyMs,
      costUsd: sum((c) => c.costUsd) + this.toolCalls.reduce((n, c) => n + (c.costUsd ?? 0), 0),
      memory: this.memory,
      compactions: this.compactions,
      sessions: this.sessions,
      // Every session is offered the same tools: the last turn's list stands for all.
      ...(last?.offeredTools ? { offeredTools: last.offeredTools } : {}),
    };
  }
}
