// Compaction by the model: the turns leaving the prompt (and the summary they joined, if any) go
// to the conversation's own model with an instruction to summarise, no tools, temperature 0. The
// call is recorded like a loop step (usage, cost, latency) with step 0 and purpose "compaction",
// so the run's cost counts it. Models that cannot summarise (the baseline policy, a script) get
// no summarizer: their conversations drop old turns instead.

import { runAgent } from '../loop.ts';
import type { ChatModel, Message } from '../providers/types.ts';
import { ToolRegistry } from '../tools/tool.ts';
import type { ModelCallRecord } from '../trace.ts';
import type { Summarize } from './context.ts';
import { capabilitiesOf } from '../providers/capabilities.ts';

/** Longest tool result shown to the summarizer: the gist is enough. */
const MAX_TOOL_TEXT = 1_500;

const INSTRUCTION =
  'You compact conversations. Summarise the conversation below for the assistant who will continue it. Keep every fact ' +
  'the user gave about themselves or their work (names, numbers, dates, preferences, decisions), open questions and ' +
  'tasks, and what the tools found that still matters. Where the user corrected something, keep only the correction. ' +
  'Never copy a password, key, token or other secret. Plain sentences, no preamble';


/** A summarizer on `model`, or undefined when the model cannot write one (then compaction drops turns). */
export function summarizerFor(model: ChatModel, options: { signal?: AbortSignal; seed?: number } = {}): Summarize | undefined {
  // A policy or a script is not a language model: nothing to summarise with.
  if (!capabilitiesOf(model.provider).generative) return undefined;
  return (older, previous, maxTokens) => summarize(model, older, previous, maxTokens, options);
}

/** One model call through the tool loop (no tools, one step), so the call is recorded as every other is. */
async function summarize(
  model: ChatModel,
  older: Message[],
  previous: string | undefined,
  maxTokens: number,
  options: { signal?: AbortSignal; seed?: number },
): Promise<{ text: string; call: ModelCallRecord }> {
  const trace = await runAgent({
    model,
    tools: new ToolRegistry(),
    system: `${INSTRUCTION}, in at most ${Math.floor(maxTokens * 0.7)} words.`,
    messages: [{ role: 'user', content: render(older, previous) }],
    workspaceRoot: '.',
    budget: { maxSteps: 1 },
    temperature: 0,
    seed: options.seed,
    maxOutputTokens: maxTokens,
    signal: options.signal,
  });
  const call = trace.modelCalls[0];
  if (!call) throw new Error(trace.error ?? `no summary call was made (${trace.stopReason})`);
  return { text: trace.finalAnswer ?? '', call: { ...call, step: 0, purpose: 'compaction' } };
}

/** The turns as a plain transcript, one `role: text` paragraph per message. */
export function render(older: readonly Message[], previous: string | undefined): string {
  const parts: string[] = [];
  if (previous) parts.push(`Summary so far:\n${previous}`);
  for (const m of older) {
    if (m.role === 'tool') {
      const text = m.content.length > MAX_TOOL_TEXT ? `${m.content.slice(0, MAX_TOOL_TEXT)}…` : m.content;
      parts.push(`tool ${m.name}${m.isError ? ' (failed)' : ''}: ${text}`);
    } else if (m.role === 'assistant' && m.toolCalls?.length) {
      const calls = m.toolCalls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join(', ');
      parts.push(`assistant: ${m.content ? `${m.content} ` : ''}[calls ${calls}]`);
    } else {
      parts.push(`${m.role}: ${m.content}`);
    }
  }
  return parts.join('\n\n');
}
