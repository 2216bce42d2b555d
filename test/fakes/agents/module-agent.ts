// External agents written as module targets (agent/external/module.ts), in TypeScript, loaded
// through tsx. Each answers from the request alone, so a test knows what it must get back.

interface Request {
  input: string;
  messages: { role: string; content: string }[];
  sessionId: string;
  vars: Record<string, unknown>;
  traceparent: string;
}

/** Reads the file the question names, as a tools-suite agent would, and says so. */
export function reader(request: Request): unknown {
  const path = /([\w/.-]+\.(?:json|md))/.exec(request.input)?.[1] ?? 'README.md';
  return {
    text: `read ${path} for case ${String(request.vars.case_id)}`,
    toolCalls: [{ name: 'read_file', arguments: { path }, result: `contents of ${path}` }],
    usage: { inputTokens: 12, outputTokens: 5 },
    costUsd: 0.0015,
  };
}

/** Answers, and says nothing of its tool calls. */
export function silent(request: Request): unknown {
  return { text: `no word on tools: ${request.input}` };
}

/** The text is a number: not a response. */
export function wrong(): unknown {
  return { text: 42 };
}

/** Never answers and ignores the abort signal: the per-call timeout must leave it behind. */
export function stuck(): Promise<unknown> {
  return new Promise(() => {});
}

const remembered = new Map<string, string>();

/** Keeps what it is told per session id: the second turn is answered only in the same session. */
export function memory(request: Request): unknown {
  const told = /remember that (.+)/i.exec(request.input);
  if (told) {
    remembered.set(request.sessionId, told[1]!);
    return { text: 'noted', toolCalls: [] };
  }
  return { text: remembered.get(request.sessionId) ?? 'I was never told', toolCalls: [] };
}

export default function echo(request: Request): unknown {
  return { text: `echo: ${request.input} (${request.messages.length} messages)`, toolCalls: [] };
}
