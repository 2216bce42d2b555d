// One turn of a conversation that lasts: the session's transcript fitted to the context budget
// (compacting older turns when it has outgrown it), the agent run on it with the memory tools
// working on the conversation's memory, and the turn saved to the transcript when it ends. This
// is what a channel (Telegram, the HTTP server) calls for each message, and what runSessions
// calls for each turn of a benchmark case.
//
//   const session = await openSession(home, `telegram-${chatId}`);
//   const memory = new MemoryStore(join(home, 'agents', 'main'));
//   const trace = await runTurn({ session, memory, input: text, model, tools, system, workspaceRoot });
//   reply(trace.finalAnswer ?? trace.error);
//
// The Trace is the agent's, plus: the summarising call (if the turn compacted) among modelCalls
// and in usage and cost, `compactions` (0 or 1 here), and `memory` (each memory tool's use) when
// a memory store is given. Its messages are the prompt as sent followed by what the turn added.

import { runAgent, type RunOptions } from '../loop.ts';
import type { Message } from '../providers/types.ts';
import type { MemoryOpRecord, Trace } from '../trace.ts';
import { DEFAULT_CONTEXT_BUDGET, fitContext, type ContextBudget, type Summarize } from './context.ts';
import type { Session } from './session.ts';
import type { MemoryStore } from './store.ts';
import { summarizerFor } from './summary.ts';
import { bindMemoryTools } from './tools.ts';

export interface TurnOptions extends Omit<RunOptions, 'messages'> {
  session: Session;
  /** What the user said. */
  input: string;
  /** Long-term memory: the memory tools among `tools` work on it (without it, they say there is none). */
  memory?: MemoryStore;
  /** The prompt's token budget (default DEFAULT_CONTEXT_BUDGET). */
  context?: Partial<ContextBudget>;
  /** How compaction summarises; default summarizerFor(model); null always drops old turns. */
  summarize?: Summarize | null;
  /** Where memory ops are also reported as they happen (a channel's `/memory` view, a log). */
  onMemoryOp?: (op: MemoryOpRecord) => void;
}

export async function runTurn(options: TurnOptions): Promise<Trace> {
  const { session, input, memory, context, summarize, onMemoryOp, ...agent } = options;
  const started = performance.now();
  const now = agent.now ?? (() => new Date());
  const next: Message = { role: 'user', content: input };
  const fitted = await fitContext({
    system: agent.system,
    history: session.messages(),
    state: session.compaction(),
    next,
    budget: { ...DEFAULT_CONTEXT_BUDGET, ...context },
    summarize: summarize === null ? undefined : (summarize ?? summarizerFor(agent.model, { signal: agent.signal, seed: agent.seed })),
    now: now(),
  });
  if (fitted.compaction) await session.appendCompaction(fitted.compaction.state);

  const ops: MemoryOpRecord[] = [];
  const record = (op: MemoryOpRecord) => {
    ops.push(op);
    onMemoryOp?.(op);
  };
  const tools = memory ? bindMemoryTools(agent.tools, memory, record) : agent.tools;
  const trace = await runAgent({ ...agent, tools, messages: fitted.messages, now });
  const sent = (agent.system ? 1 : 0) + fitted.messages.length;
  await session.appendTurn([next, ...trace.messages.slice(sent)]);

  const summaryCalls = fitted.modelCalls;
  const estimated = trace.usage.estimated || summaryCalls.some((c) => c.usage.estimated);
  return {
    ...trace,
    modelCalls: [...summaryCalls, ...trace.modelCalls],
    usage: {
      inputTokens: trace.usage.inputTokens + sum(summaryCalls.map((c) => c.usage.inputTokens)),
      outputTokens: trace.usage.outputTokens + sum(summaryCalls.map((c) => c.usage.outputTokens)),
      ...(estimated ? { estimated: true } : {}),
    },
    costUsd: trace.costUsd + sum(summaryCalls.map((c) => c.costUsd)),
    latencyMs: performance.now() - started,
    ...(memory ? { memory: ops } : {}),
    compactions: fitted.compaction ? [{ ...fitted.compaction.record, messageIndex: sent - 1 }] : [],
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
