// One turn of a conversation held in a ChatSessions store: the session's history and the user's
// message go to the agent loop, and the turn's new messages are saved — unless the model failed,
// in which case nothing is saved, so that the user's retry does not follow an unanswered message.

import { runAgent, type Budget, type LoopEvent } from '../loop.ts';
import type { ChatModel } from '../providers/types.ts';
import type { ToolRegistry } from '../tools/tool.ts';
import type { Trace } from '../trace.ts';
import type { ChatSessions } from './sessions.ts';

/** How a channel runs the agent: the same settings for every turn. */
export interface AgentSettings {
  model: ChatModel;
  tools: ToolRegistry;
  system?: string;
  workspaceRoot: string;
  temperature?: number;
  seed?: number;
  budget?: Partial<Budget>;
}

export interface TurnOptions {
  sessions: ChatSessions;
  key: string;
  text: string;
  agent: AgentSettings;
  stream?: boolean;
  onEvent?: (event: LoopEvent) => void;
  signal?: AbortSignal;
}

export interface TurnResult {
  sessionId: string;
  trace: Trace;
  /** Whether the turn was added to the session (not when the model failed or the run was stopped). */
  saved: boolean;
}

/**
 * How a channel runs one turn of a session. runTurn below is the plain one; memory-turn.ts's
 * (context compaction, memory tools bound to the conversation) plugs in with the same shape.
 */
export type TurnRunner = (options: TurnOptions) => Promise<TurnResult>;

/** Where a channel keeps its conversations, and how it runs their turns (default: runTurn below). */
export interface Conversations {
  sessions: ChatSessions;
  turns?: TurnRunner;
}

export async function runTurn(options: TurnOptions): Promise<TurnResult> {
  const { sessions, key, agent } = options;
  const session = await sessions.load(key);
  const trace = await runAgent({
    ...agent,
    messages: [...session.messages, { role: 'user', content: options.text }],
    stream: options.stream,
    onEvent: options.onEvent,
    signal: options.signal,
  });
  const saved = trace.stopReason !== 'error' && trace.stopReason !== 'aborted';
  if (saved) await sessions.append(key, newMessages(trace, session.messages.length, agent.system));
  return { sessionId: session.id, trace, saved };
}

/** The messages this turn added: runAgent returns the system prompt (when given) and the history before them. */
function newMessages(trace: Trace, historyLength: number, system: string | undefined): Trace['messages'] {
  return trace.messages.slice((system ? 1 : 0) + historyLength);
}
