// An attempt's OpenTelemetry spans as its trajectory: the model calls and tool calls the agent
// made, ordered by start time, with tokens, latency and errors. Two vocabularies are read: the
// GenAI semantic conventions (`gen_ai.operation.name` chat / text_completion / generate_content,
// execute_tool with `gen_ai.tool.*`) and the Vercel AI SDK's `ai.*` spans (`ai.generateText.
// doGenerate`, `ai.streamText.doStream`, `ai.toolCall`). One call is one record however many
// layers traced it: the AI SDK's outer `ai.generateText` is not a model call (its do* children
// are), and a model-call span inside another (an HTTP instrumentation under the SDK's span) is
// the same call. Pure but for the price table (LUNAR_PRICES included) unless a price is given.

import type { ModelCallRecord, ToolCallRecord } from '../trace.ts';
import type { SpanTrajectory } from '../external/span-collector.ts';
import type { Message, ToolCall } from '../providers/types.ts';
import { costOf, priceOf, type Price } from '../providers/pricing.ts';
import { argumentsOf, conversationOf as spanConversation, jsonOf, type SpanConversation } from './messages.ts';
import type { AttributeValue, OtelSpan } from './span.ts';

export interface ConvertOptions {
  /** The price of a model (default: Lunar's price table); undefined: unpriced, costs 0. */
  price?: (provider: string, model: string) => Price | undefined;
}

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);
const AI_SDK_MODEL_SPANS = new Set(['ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.generateObject.doGenerate', 'ai.streamObject.doStream']);

type Kind = 'model' | 'tool';

export function spanKind(span: OtelSpan): Kind | undefined {
  const a = span.attributes;
  const operation = str(a['gen_ai.operation.name']);
  const aiOperation = str(a['ai.operationId']) ?? span.name;
  if (operation === 'execute_tool' || aiOperation === 'ai.toolCall') return 'tool';
  if (operation !== undefined) return MODEL_OPERATIONS.has(operation) ? 'model' : undefined;
  if (AI_SDK_MODEL_SPANS.has(aiOperation)) return 'model';
  // Instrumentations older than gen_ai.operation.name: a span naming the model it asked.
  return a['gen_ai.request.model'] !== undefined && !aiOperation.startsWith('ai.') ? 'model' : undefined;
}

function str(v: AttributeValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(...values: (AttributeValue | undefined)[]): number | undefined {
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function first(a: Record<string, AttributeValue>, ...keys: string[]): AttributeValue | undefined {
  for (const key of keys) if (a[key] !== undefined && a[key] !== null) return a[key];
  return undefined;
}

const latencyOf = (s: OtelSpan) => Math.max(0, s.endMs - s.startMs);
const byStart = (a: OtelSpan, b: OtelSpan) => a.startMs - b.startMs || a.endMs - b.endMs || a.spanId.localeCompare(b.spanId);

/** Spans that say what the agent did, each call once: see the file's head for what counts twice. */
function calls(spans: readonly OtelSpan[]): { model: OtelSpan[]; tool: OtelSpan[] } {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = function* (s: OtelSpan): Generator<OtelSpan> {
    const seen = new Set<string>([s.spanId]);
    for (let p = s.parentSpanId && byId.get(s.parentSpanId); p && !seen.has(p.spanId); p = p.parentSpanId && byId.get(p.parentSpanId)) {
      seen.add(p.spanId);
      yield p;
    }
  };
  const model: OtelSpan[] = [];
  const tool: OtelSpan[] = [];
  for (const s of spans) {
    const kind = spanKind(s);
    if (kind === 'model' && ![...ancestors(s)].some((p) => spanKind(p) === 'model')) model.push(s);
    // A tool run inside another tool's span is its own call (an agent used as a tool), unless it is
    // the same call traced twice: same name, and the same id where both have one.
    if (kind === 'tool' && ![...ancestors(s)].some((p) => spanKind(p) === 'tool' && sameToolCall(p, s))) tool.push(s);
  }
  return { model: model.sort(byStart), tool: tool.sort(byStart) };
}

function toolName(s: OtelSpan): string {
  return str(first(s.attributes, 'gen_ai.tool.name', 'ai.toolCall.name')) ?? s.name.replace(/^execute_tool\s+/, '');
}

function toolCallId(s: OtelSpan): string | undefined {
  return str(first(s.attributes, 'gen_ai.tool.call.id', 'ai.toolCall.id'));
}

function sameToolCall(a: OtelSpan, b: OtelSpan): boolean {
  const ia = toolCallId(a);
  const ib = toolCallId(b);
  return toolName(a) === toolName(b) && (ia === undefined || ib === undefined || ia === ib);
}

/** The error a span ended with: its status message, else an exception event's, else a plain line. */
function spanError(s: OtelSpan): string | undefined {
  if (s.status.code !== 2) return undefined;
  const exception = s.events.find((e) => e.name === 'exception');
  return s.status.message || str(exception?.attributes['exception.message']) || str(s.attributes['error.type']) || 'the span ended with an error status';
}

/** `tool-calls` (AI SDK), `tool_calls`, `max_tokens`: Lunar's finish reasons. */
function finishReasonOf(reason: string | undefined, toolCalls: number): string {
  if (reason === undefined) return toolCalls > 0 ? 'tool_calls' : 'stop';
  const r = reason.toLowerCase().replace(/-/g, '_');
  if (r === 'max_tokens' || r === 'length') return 'length';
  if (r === 'tool_use' || r === 'tool_call' || r === 'function_call') return 'tool_calls';
  if (r === 'end_turn') return 'stop';
  return r;
}

/** `openai.chat` (AI SDK), `openai`, `gcp.gemini`, `google`: the provider names of Lunar's price table. */
function providerOf(a: Record<string, AttributeValue>): string | undefined {
  const raw = str(first(a, 'gen_ai.provider.name', 'gen_ai.system', 'ai.model.provider'))?.toLowerCase();
  if (!raw) return undefined;
  if (/gemini|google|vertex/.test(raw)) return 'gemini';
  return raw.split('.')[0];
}

function toolNamesOffered(a: Record<string, AttributeValue>): string[] {
  // AI SDK: an array of JSON texts, one per tool; semconv: one JSON array of definitions.
  const raw = a['ai.prompt.tools'] ?? a['gen_ai.tool.definitions'];
  const list = Array.isArray(raw) ? raw.map((t) => jsonOf(t)) : jsonOf(raw);
  if (!Array.isArray(list)) return [];
  return list.flatMap((t) => {
    if (typeof t !== 'object' || t === null) return [];
    const tool = t as { name?: unknown; function?: { name?: unknown } };
    const name = tool.name ?? tool.function?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

interface ModelDraft {
  span: OtelSpan;
  record: ModelCallRecord;
  conversation: SpanConversation;
}

function modelCall(span: OtelSpan, step: number, options: ConvertOptions): ModelDraft {
  const a = span.attributes;
  const conversation = spanConversation(a);
  const usage = {
    inputTokens: num(a['gen_ai.usage.input_tokens'], a['ai.usage.inputTokens'], a['ai.usage.promptTokens'], a['gen_ai.usage.prompt_tokens']) ?? 0,
    outputTokens: num(a['gen_ai.usage.output_tokens'], a['ai.usage.outputTokens'], a['ai.usage.completionTokens'], a['gen_ai.usage.completion_tokens']) ?? 0,
  };
  const finishReasons = jsonOf(first(a, 'gen_ai.response.finish_reasons'));
  const spanFinish = Array.isArray(finishReasons) && typeof finishReasons[0] === 'string' ? finishReasons[0] : undefined;
  const output = conversation.output ?? (spanFinish ? { text: '', toolCalls: [] } : undefined);
  const model = str(first(a, 'gen_ai.response.model', 'gen_ai.request.model', 'ai.response.model', 'ai.model.id'));
  const provider = providerOf(a);
  const price = model && provider ? (options.price ?? ((p, m) => priceOf(p, m)))(provider, model) : undefined;
  const temperature = num(a['gen_ai.request.temperature']);
  const maxTokens = num(a['gen_ai.request.max_tokens']);
  const error = spanError(span);
  const record: ModelCallRecord = {
    step,
    request: {
      messageCount: conversation.input?.length ?? 0,
      tools: toolNamesOffered(a),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { maxTokens }),
    },
    ...(output ? { response: { text: output.text, toolCalls: output.toolCalls, finishReason: finishReasonOf(output.finishReason ?? spanFinish, output.toolCalls.length) } } : {}),
    usage,
    latencyMs: latencyOf(span),
    costUsd: costOf(price, usage),
    attempts: 1,
    priced: price !== undefined,
    ...(error ? { error } : {}),
  };
  return { span, record, conversation };
}

function resultText(v: AttributeValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The spans of one trace as the trajectory its attempt's Trace takes. */
export function spansToTrajectory(spans: readonly OtelSpan[], options: ConvertOptions = {}): SpanTrajectory {
  const found = calls(spans);
  const models = found.model.map((s, i) => modelCall(s, i + 1, options));
  const claimed = new Set<string>();
  const toolDrafts: { at: number; record: ToolCallRecord }[] = [];

  for (const span of found.tool) {
    const a = span.attributes;
    const name = toolName(span);
    let id = toolCallId(span);
    // The model call that asked for it: the one whose reply holds its id, else the last one begun before it.
    let asker = id ? models.find((m) => m.record.response?.toolCalls.some((c) => c.id === id)) : undefined;
    asker ??= [...models].reverse().find((m) => m.span.startMs <= span.startMs);
    let requested: ToolCall | undefined = id ? asker?.record.response?.toolCalls.find((c) => c.id === id) : undefined;
    if (!id) {
      requested = asker?.record.response?.toolCalls.find((c) => c.name === name && !claimed.has(c.id));
      id = requested?.id || `span_${span.spanId}`;
    }
    claimed.add(id);
    const rawArguments = first(a, 'gen_ai.tool.call.arguments', 'ai.toolCall.args');
    const result = resultText(first(a, 'gen_ai.tool.call.result', 'ai.toolCall.result'));
    const error = spanError(span);
    toolDrafts.push({
      at: span.startMs,
      record: {
        step: asker?.record.step ?? 0,
        id,
        name,
        arguments: rawArguments === undefined ? (requested?.arguments ?? {}) : argumentsOf(rawArguments),
        ...(result === undefined ? {} : { result }),
        ...(error ? { error, errorKind: 'threw' as const } : {}),
        latencyMs: latencyOf(span),
      },
    });
  }

  // Calls the model asked for that no tool span reports: the call is known, its outcome is not.
  let unspanned = 0;
  for (const m of models) {
    for (const call of m.record.response?.toolCalls ?? []) {
      if (claimed.has(call.id)) continue;
      unspanned++;
      toolDrafts.push({ at: m.span.endMs, record: { step: m.record.step, id: call.id, name: call.name, arguments: call.arguments, latencyMs: 0 } });
    }
  }
  toolDrafts.sort((x, y) => x.record.step - y.record.step || x.at - y.at);

  const modelCalls = models.map((m) => m.record);
  const toolCalls = toolDrafts.map((d) => d.record);
  const messages = conversationOf(models);
  const note = noteFor(spans.length, modelCalls.length, toolCalls.length, unspanned);
  return {
    spans: spans.length,
    modelCalls,
    toolCalls,
    ...(messages ? { messages } : {}),
    usage: { inputTokens: sum(modelCalls.map((c) => c.usage.inputTokens)), outputTokens: sum(modelCalls.map((c) => c.usage.outputTokens)) },
    costUsd: sum(modelCalls.map((c) => c.costUsd)),
    ...(note ? { note } : {}),
  };
}

/**
 * The whole conversation: what the latest model call that carries its input was sent, then what
 * it and any later calls answered (a later call whose span leaves its input out still adds its reply).
 */
function conversationOf(models: readonly ModelDraft[]): Message[] | undefined {
  const from = models.findLastIndex((m) => m.conversation.input !== undefined);
  if (from < 0) return undefined;
  const messages: Message[] = [...models[from]!.conversation.input!];
  for (const m of models.slice(from)) {
    const output = m.conversation.output;
    if (output) messages.push({ role: 'assistant', content: output.text, ...(output.toolCalls.length ? { toolCalls: output.toolCalls } : {}) });
  }
  return messages;
}

function noteFor(spans: number, models: number, tools: number, unspanned: number): string | undefined {
  if (spans === 0) return 'no spans arrived for this trace: the agent sent no OpenTelemetry spans to Lunar (or sent them elsewhere)';
  if (models === 0 && tools === 0) return `${spans} span(s) arrived, none of them a model call or a tool call (no gen_ai.* or ai.* attributes)`;
  if (unspanned > 0) return `${unspanned} tool call(s) known only from the model's reply: no tool span reported their result or latency`;
  return undefined;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
