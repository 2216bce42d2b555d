// The TurnRunner seam over agent/memory: a chat's turn is agent/memory's runTurn on the chat's
// current session (its transcript fitted to the context budget, compacted when outgrown) with the
// memory tools working on the chat's memory root. As with the plain runner, a turn the model
// failed or the user abandoned is not saved: the user's retry must not follow an unanswered
// message. agent/memory's runTurn saves every turn, so it is handed a session whose save waits
// for the verdict.

import { MEMORY_TOOL_NAMES, memoryToolDeclarations, runTurn as runMemoryTurn, type ContextBudget, type Session, type Summarize } from '../memory/index.ts';
import type { Message } from '../providers/types.ts';
import { ToolRegistry } from '../tools/tool.ts';
import type { MemoryChatSessions } from './memory-sessions.ts';
import type { Conversations, TurnRunner } from './turn.ts';

export interface MemoryTurnOptions {
  /** The prompt's token budget (default agent/memory's). */
  context?: Partial<ContextBudget>;
  /** How compaction summarises (default: the chat's model); null always drops old turns. */
  summarize?: Summarize | null;
}

/** Turns over `store`'s sessions and memory; the channel's `sessions` must be that same store. */
export function memoryTurnRunner(store: MemoryChatSessions, options: MemoryTurnOptions = {}): TurnRunner {
  return async ({ key, text, agent, stream, onEvent, signal }) => {
    const session = held(await store.session(key));
    const trace = await runMemoryTurn({
      ...agent,
      session,
      input: text,
      memory: store.memoryStore(key),
      context: options.context,
      summarize: options.summarize,
      now: store.now,
      stream,
      onEvent,
      signal,
    });
    const saved = trace.stopReason !== 'error' && trace.stopReason !== 'aborted';
    if (saved) await session.commit();
    return { sessionId: session.id, trace, saved };
  };
}

/** A channel's conversations kept by agent/memory: the store, and turns that use its memory. */
export function memoryConversations(store: MemoryChatSessions, options?: MemoryTurnOptions): Conversations {
  return { sessions: store, turns: memoryTurnRunner(store, options) };
}

/** `tools` and the memory tools (declared; each turn binds them to its chat's memory), unless offered already. */
export function withMemoryTools(tools: ToolRegistry): ToolRegistry {
  const offered = new Set(tools.names());
  return new ToolRegistry([...tools.names().map((name) => tools.get(name)!), ...memoryToolDeclarations().filter((t) => !offered.has(t.name))]);
}

/** `tools` less the memory tools: for a run with no conversation, hence no memory, behind it. */
export function withoutMemoryTools(tools: ToolRegistry): ToolRegistry {
  const memory = new Set<string>(MEMORY_TOOL_NAMES);
  return tools.pick(tools.names().filter((name) => !memory.has(name)));
}

/** The session, with the turn it is given kept back until `commit`. Compactions are saved at once. */
function held(session: Session): Session & { commit(): Promise<void> } {
  let pending: readonly Message[] | undefined;
  return {
    id: session.id,
    path: session.path,
    warnings: session.warnings,
    messages: () => session.messages(),
    turns: () => session.turns(),
    compaction: () => session.compaction(),
    appendCompaction: (state) => session.appendCompaction(state),
    appendTurn: async (messages) => {
      pending = messages;
    },
    commit: async () => {
      if (pending) await session.appendTurn(pending);
      pending = undefined;
    },
  };
}
