// The agent's tool loop: send messages and tools, run every tool call of a step (concurrently),
// feed results back, stop on a final answer or a budget. Whatever happens, the caller gets a
// Trace; model failures end the run with stopReason 'error', tool failures never do, and neither
// a throwing approval hook nor a throwing event listener escapes. The messages always form a
// history a provider accepts: every tool call the model asked for has a result, if only "not run".

import { onAbort } from './abort-listeners.ts';
import { ProviderError } from './providers/errors.ts';
import { answeredCall, failedCall } from './model-call-record.ts';
import { isPriced } from './providers/pricing.ts';
import type { ChatModel, ChatRequest, ChatResult, Message, ToolCall } from './providers/types.ts';
import type { ToolRegistry } from './tools/tool.ts';
import { citedChunks } from './rag/citations.ts';
import type { ModelCallRecord, RetrievedChunk, StopReason, ToolCallRecord, Trace } from './trace.ts';

export interface Budget {
  /** Model calls per run. */
  maxSteps: number;
  /** Wall time per run, model and tool calls included. */
  maxTimeMs: number;
  /** Input plus output tokens over every model call of the run. */
  maxTokens: number;
}

export const DEFAULT_BUDGET: Budget = { maxSteps: 8, maxTimeMs: 120_000, maxTokens: 100_000 };

export type ApprovalDecision = boolean | { allow: false; reason: string };
/** Human in the loop: called before each tool call runs. */
export type Approve = (call: ToolCall) => ApprovalDecision | Promise<ApprovalDecision>;

export type LoopEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'tool_result'; record: ToolCallRecord };

export interface RunOptions {
  model: ChatModel;
  tools: ToolRegistry;
  /** The conversation so far; the last message is normally the user's. */
  messages: Message[];
  system?: string;
  workspaceRoot: string;
  budget?: Partial<Budget>;
  approve?: Approve;
  temperature?: number;
  /** Sampling seed, for providers that take one (OpenAI-compatible, Ollama, Gemini). */
  seed?: number;
  maxOutputTokens?: number;
  /**
   * Each model call's per-attempt timeout in milliseconds (a suite's timeout_ms); default: the
   * provider's. A call that times out is retried while the time budget lasts.
   */
  callTimeoutMs?: number;
  /** Stream the model's replies (events carry text deltas); otherwise one chat call per step. */
  stream?: boolean;
  /** Called as things happen; an exception it throws is ignored (it cannot end the run). */
  onEvent?: (event: LoopEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

/** Longest tool result sent back to the model; the full text is still in the Trace. */
const MAX_TOOL_RESULT_CHARS = 20_000;

export async function runAgent(options: RunOptions): Promise<Trace> {
  const budget = { ...DEFAULT_BUDGET, ...options.budget };
  const started = performance.now();
  // One controller for both ways a run is cut short — its time budget, or the caller's signal —
  // forwarded by a listener: AbortSignal.any per run costs more than a fast model call.
  const stopper = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopper.abort(new Error('time budget spent'));
  }, budget.maxTimeMs);
  const forward = () => stopper.abort(options.signal?.reason);
  const detach = options.signal ? onAbort(options.signal, forward) : undefined;
  if (options.signal?.aborted) forward();
  const signal = stopper.signal;
  const offered = options.tools.specs();
  const run: RunOptions = { ...options, onEvent: listenerThatCannotThrow(options.onEvent) };

  const messages: Message[] = options.system
    ? [{ role: 'system', content: options.system }, ...options.messages]
    : [...options.messages];
  const modelCalls: ModelCallRecord[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const retrieved: RetrievedChunk[] = [];
  let finalAnswer: string | null = null;
  let stopReason: StopReason = 'max_steps';
  let error: string | undefined;
  /** The model's last reply in this run with tool calls, and its step, until their results are in. */
  let unanswered: { reply: number; step: number } | undefined;

  try {
    for (let step = 1; step <= budget.maxSteps; step++) {
      if (tokensUsed(modelCalls) >= budget.maxTokens) {
        stopReason = 'max_tokens';
        break;
      }
      const request: ChatRequest = {
        messages: [...messages],
        tools: options.tools.specs(),
        temperature: options.temperature,
        seed: options.seed,
        maxTokens: options.maxOutputTokens,
        signal,
        timeoutMs: options.callTimeoutMs,
      };
      const outcome = await callModel(run, request, step);
      modelCalls.push(outcome.record);
      if (!outcome.result) {
        ({ stopReason, error } = whyCallFailed(outcome.failure, outcome.record.error, { timedOut, stopped: options.signal?.aborted === true, maxTimeMs: budget.maxTimeMs }));
        outcome.record.error = error; // the call's record says what the run says, not "call aborted"
        break;
      }
      const result = withUniqueCallIds(outcome.result, step, messages);
      messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls.length ? result.toolCalls : undefined });
      if (result.toolCalls.length === 0) {
        finalAnswer = result.text;
        stopReason = 'final';
        break;
      }
      unanswered = { reply: messages.length - 1, step };
      if (tokensUsed(modelCalls) >= budget.maxTokens) {
        stopReason = 'max_tokens';
        break;
      }
      if (signal.aborted) {
        stopReason = timedOut ? 'max_time' : 'aborted';
        break;
      }
      const outcomes = await Promise.all(
        result.toolCalls.map((call) => runToolCall(run, call, step, signal)),
      );
      for (const { record, found } of outcomes) {
        retrieved.push(...found);
        toolCalls.push(record);
        messages.push(toolMessage(record));
      }
      unanswered = undefined;
      if (timedOut) {
        stopReason = 'max_time';
        break;
      }
    }
  } catch (caught) {
    // A bug or a malformed reply, not a model failure: still a Trace, with what went wrong.
    stopReason = 'error';
    error = `the agent loop failed: ${messageOf(caught)}`;
  } finally {
    clearTimeout(timer);
    detach?.();
  }
  if (unanswered) answerNotRun(messages, toolCalls, unanswered, NOT_RUN_BECAUSE[stopReason] ?? 'the run ended first');

  return {
    target: options.model.id,
    messages,
    modelCalls,
    toolCalls,
    retrieved,
    finalAnswer,
    citations: finalAnswer ? citedChunks(finalAnswer, retrieved) : [],
    stopReason,
    error,
    usage: {
      inputTokens: sum(modelCalls, (c) => c.usage.inputTokens),
      outputTokens: sum(modelCalls, (c) => c.usage.outputTokens),
    },
    latencyMs: performance.now() - started,
    costUsd: sum(modelCalls, (c) => c.costUsd) + sum(toolCalls, (c) => c.costUsd ?? 0),
    ...(offered.length ? { offeredTools: offered } : {}),
  };
}

/**
 * How a run whose model call failed ends. A provider that gave up (its retries spent, or a
 * failure not worth retrying) is an error, even when the time budget ran out meanwhile. A call
 * the time budget cut short is the model's max_time — unless it was cut while a failure was being
 * retried (a hung or failing server): then the infrastructure spent the budget, and the run is an
 * error naming that failure, never a result scored against the model.
 */
function whyCallFailed(failure: unknown, message: string | undefined, run: { timedOut: boolean; stopped: boolean; maxTimeMs: number }): { stopReason: StopReason; error?: string } {
  const cut = failure instanceof ProviderError && failure.kind === 'aborted';
  if (failure instanceof ProviderError && !cut) return { stopReason: 'error', error: message };
  if (run.timedOut && cut && failure.lastFailure) {
    const tries = failure.attempts ?? 1;
    const spent = `${tries} ${tries === 1 ? 'try' : 'tries'}; the time budget of ${run.maxTimeMs} ms ran out before one succeeded`;
    return { stopReason: 'error', error: `${failure.lastFailure.message} (${spent})` };
  }
  if (run.timedOut) return { stopReason: 'max_time', error: message };
  return { stopReason: run.stopped ? 'aborted' : 'error', error: message };
}

const NOT_RUN_BECAUSE: Partial<Record<StopReason, string>> = {
  max_tokens: 'the token budget was spent',
  max_time: 'the time budget was spent',
  aborted: 'the run was stopped',
  error: 'the run ended with an error',
};

function toolMessage(record: ToolCallRecord): Message {
  return {
    role: 'tool',
    toolCallId: record.id,
    name: record.name,
    content: (record.error ?? record.result ?? '').slice(0, MAX_TOOL_RESULT_CHARS),
    isError: record.error !== undefined ? true : undefined,
  };
}

/**
 * Gives every call of the reply at `reply` that has no result yet a "not run" result, in the
 * Trace's tool calls and in the messages: providers refuse a history with a tool call left
 * unanswered, and `lunar chat` sends this history back on the next turn.
 */
function answerNotRun(messages: Message[], toolCalls: ToolCallRecord[], at: { reply: number; step: number }, reason: string): void {
  const reply = messages[at.reply];
  if (reply?.role !== 'assistant') return;
  const answered = new Set(messages.slice(at.reply + 1).flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : [])));
  for (const call of reply.toolCalls ?? []) {
    if (answered.has(call.id)) continue;
    const record: ToolCallRecord = {
      step: at.step,
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      error: `call to ${call.name} was not run: ${reason}`,
      errorKind: 'not_run',
      latencyMs: 0,
    };
    toolCalls.push(record);
    messages.push(toolMessage(record));
  }
}

/** onEvent is the caller's code (a terminal, a socket): its failures are not the run's. */
function listenerThatCannotThrow(listener: RunOptions['onEvent']): RunOptions['onEvent'] {
  if (!listener) return undefined;
  return (event) => {
    try {
      listener(event);
    } catch {
      // Ignored on purpose: the contract is that the caller always gets a Trace.
    }
  };
}

function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

async function callModel(
  options: RunOptions,
  request: ChatRequest,
  step: number,
): Promise<{ result?: ChatResult; record: ModelCallRecord; failure?: unknown }> {
  const started = performance.now();
  const base = {
    step,
    request: {
      messageCount: request.messages.length,
      tools: (request.tools ?? []).map((t) => t.name),
      temperature: request.temperature,
      maxTokens: request.maxTokens,
    },
  };
  const priced = isPriced(options.model.provider, options.model.model);
  try {
    const result = options.stream ? await streamed(options, request) : await options.model.chat(request);
    return { result, record: answeredCall(base, result, priced) };
  } catch (caught) {
    return { failure: caught, record: failedCall(base, caught, started, priced) };
  }
}

async function streamed(options: RunOptions, request: ChatRequest): Promise<ChatResult> {
  for await (const event of options.model.stream(request)) {
    if (event.type === 'text') options.onEvent?.({ type: 'text', delta: event.delta });
    if (event.type === 'done') return event.result;
  }
  throw new Error(`${options.model.id}: the stream ended without a result`);
}

interface ToolOutcome {
  record: ToolCallRecord;
  found: RetrievedChunk[];
}

async function runToolCall(options: RunOptions, call: ToolCall, step: number, signal: AbortSignal): Promise<ToolOutcome> {
  options.onEvent?.({ type: 'tool_call', call });
  const started = performance.now();
  const base = { step, id: call.id, name: call.name, arguments: call.arguments };
  const finish = (outcome: Pick<ToolCallRecord, 'result' | 'error' | 'errorKind' | 'costUsd'>, found: RetrievedChunk[] = []): ToolOutcome => {
    const record = { ...base, ...outcome, latencyMs: performance.now() - started };
    options.onEvent?.({ type: 'tool_result', record });
    return { record, found };
  };

  if (call.invalidArguments !== undefined) {
    return finish({
      error: `arguments for ${call.name} are not a JSON object: ${call.invalidArguments.slice(0, 200)}`,
      errorKind: 'invalid_arguments',
    });
  }
  const validated = options.tools.validate(call.name, call.arguments);
  if (!validated.ok) {
    return finish({ error: validated.error, errorKind: options.tools.get(call.name) ? 'invalid_arguments' : 'unknown_tool' });
  }
  let decision: ApprovalDecision;
  try {
    decision = options.approve ? await options.approve(call) : true;
  } catch (thrown) {
    // A hook that fails has not approved the call.
    decision = { allow: false, reason: `approval failed: ${messageOf(thrown)}` };
  }
  if (decision !== true) {
    const reason = typeof decision === 'object' && decision !== null && decision.reason ? decision.reason : 'the user did not approve this call';
    return finish({ error: `call to ${call.name} denied: ${reason}`, errorKind: 'denied' });
  }
  try {
    const tool = options.tools.get(call.name)!;
    const output = await tool.run(validated.args, {
      workspaceRoot: options.workspaceRoot,
      signal,
      now: options.now ?? (() => new Date()),
    });
    if (typeof output === 'string') return finish({ result: output });
    return finish({ result: output.content, ...(output.costUsd ? { costUsd: output.costUsd } : {}) }, (output.retrieved ?? []).map((r) => ({ ...r, toolCallId: call.id })));
  } catch (thrown) {
    return finish({ error: `${call.name} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, errorKind: 'threw' });
  }
}

/**
 * Providers that give no call ids (Ollama, Gemini, the baseline) number calls per reply, so the
 * same id can come back on a later step or a later chat turn, or twice in one reply; a
 * conversation must not hold two results for one id. A call keeps its id unless an earlier call
 * of the conversation or of this reply has it; a renamed call gets `call_<step>_<n>`, skipping
 * any id already taken, including ids this reply still holds.
 */
function withUniqueCallIds(result: ChatResult, step: number, conversation: readonly Message[]): ChatResult {
  const taken = new Set(conversation.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : [])));
  const keeps = result.toolCalls.map((c) => {
    if (taken.has(c.id)) return false;
    taken.add(c.id);
    return true;
  });
  if (keeps.every(Boolean)) return result;
  const toolCalls = result.toolCalls.map((c, i) => {
    if (keeps[i]) return c;
    let id = `call_${step}_${i + 1}`;
    for (let n = 2; taken.has(id); n++) id = `call_${step}_${i + 1}_${n}`;
    taken.add(id);
    return { ...c, id };
  });
  return { ...result, toolCalls };
}

function tokensUsed(calls: readonly ModelCallRecord[]): number {
  return sum(calls, (c) => c.usage.inputTokens + c.usage.outputTokens);
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += pick(item);
  return total;
}
