// `lunar chat`: a conversation in the terminal with one target, through the same tool loop the
// harness runs. Tool calls are printed as they happen; answers stream in.

import { createInterface } from 'node:readline/promises';
import { runAgent, type Approve } from '../agent/loop.ts';
import type { Message } from '../agent/providers/types.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { createChatModel } from '../agent/providers/registry.ts';
import { validateTargets } from './targets.ts';

export interface ChatOptions {
  target: string;
  workspace: string;
  system?: string;
  confirmTools: boolean;
  stream: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export async function runChat(options: ChatOptions): Promise<void> {
  validateTargets([options.target]);
  const model = createChatModel(options.target);
  const tools = builtinRegistry();
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const rl = createInterface({ input, output, terminal: Boolean((input as NodeJS.ReadStream).isTTY) });
  // One iterator for every read: it buffers lines that arrive while the agent works (piped input),
  // where rl.question would drop them.
  const lines = rl[Symbol.asyncIterator]();
  const write = (text: string) => output.write(text);
  const ask = async (prompt: string): Promise<string | undefined> => {
    write(prompt);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  const approve: Approve | undefined = options.confirmTools
    ? async (call) => ((await ask(`  allow ${call.name}(${JSON.stringify(call.arguments)})? [y/N] `)) ?? '').trim().toLowerCase().startsWith('y')
    : undefined;

  write(`Talking to ${model.id} (tools: ${tools.names().join(', ')}; workspace ${options.workspace}). Empty line or Ctrl-D to quit.\n`);
  let history: Message[] = [];
  try {
    for (;;) {
      const line = await ask('you> ');
      if (line === undefined || line.trim() === '') break;
      write(`${model.id}> `);
      let streamedText = false;
      const trace = await runAgent({
        model,
        tools,
        messages: [...history, { role: 'user', content: line }],
        system: options.system,
        workspaceRoot: options.workspace,
        stream: options.stream,
        approve,
        onEvent: (event) => {
          if (event.type === 'text') {
            write(event.delta);
            streamedText = true;
          } else if (event.type === 'tool_call') write(`\n  → ${event.call.name}(${JSON.stringify(event.call.arguments)})\n`);
          else write(`  ← ${event.record.error ?? truncate(event.record.result ?? '')}\n`);
        },
      });
      if (trace.finalAnswer !== null && !streamedText) write(trace.finalAnswer);
      if (trace.stopReason !== 'final') write(`\n[stopped: ${trace.stopReason}${trace.error ? `: ${trace.error}` : ''}]`);
      write(`\n  (${trace.modelCalls.length} model call(s), ${trace.usage.inputTokens + trace.usage.outputTokens} tokens, $${trace.costUsd.toFixed(4)}, ${Math.round(trace.latencyMs)} ms)\n`);
      // Keep the whole exchange, system prompt excluded (runAgent adds it each turn).
      history = trace.messages.filter((m) => m.role !== 'system');
    }
  } finally {
    rl.close();
  }
}

function truncate(text: string, max = 160): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
