// The memory package's public names: sessions (transcripts), context compaction, long-term memory
// files and their tools, one turn of a lasting conversation, and multi-session cases. Everything
// else in agent/memory/ is private to it.

export { listSessions, openSession, SessionError, type CompactionState, type OpenSessionOptions, type Session, type SessionInfo } from './session.ts';
export { DEFAULT_CONTEXT_BUDGET, fitContext, type ContextBudget, type Summarize } from './context.ts';
export { summarizerFor } from './summary.ts';
export { MemoryError, MemoryStore, type MemoryStoreOptions } from './store.ts';
export { dailyPath, listMemoryFiles, MEMORY_FILE } from './files.ts';
export { bindMemoryTools, MEMORY_TOOL_NAMES, memoryToolDeclarations, memoryTools } from './tools.ts';
export { findSecret } from './secrets.ts';
export { runTurn, type TurnOptions } from './turn.ts';
export { DEFAULT_SESSIONS_START, MergedTrace, runSessions, type SessionsRunOptions } from './run-sessions.ts';
