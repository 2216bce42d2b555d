// What Lunar hands a module target, as far as the example agents read it (the whole protocol is in
// the README, "Benchmark your own agent"): the turn, the conversation so far, the attempt's trace
// context and where to send spans.

export interface AgentRequest {
  input?: string;
  messages?: { role: string; content: string }[];
  traceparent?: string;
}

export interface AgentContext {
  signal?: AbortSignal;
  traceparent?: string;
  otlpEndpoint?: string;
}
