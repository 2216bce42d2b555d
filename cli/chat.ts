// `lunar chat`: a conversation in the terminal with one target, through the same tool loop the
// harness runs. Tool calls are printed as they happen; answers stream in.

import { createInterface } from 'node:readline/promises';
import { runAgent, type Approve } from '../agent/loop.ts';
import type { Message } from '../agent/providers/types.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { InputError } from '../core/errors.ts';
import { resolveTarget } from '../agent/targets.ts';
import { needsCaseScript } from '../agent/providers/capabilities.ts';

export interface ChatOptions {
  target: string;
  workspace: string;
  system?: string;
  confirmTools: boolean;
  stream: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Where providers read keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function runChat(options: ChatOptions): Promise<void> {
  if (needsCaseScript(options.target)) throw new InputError('the scripted target needs a script; use it with lunar bench');
  // An unknown target, a missing key or a bad script file: one line and exit 2, before the prompt.
  // (`scripted:FILE` works: the conversation plays the file's steps in order.)
  const model = resolveTarget(options.target, options.env ? { env: options.env } : {}).model();
  const tools = builtinRegistry();
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const isTTY = Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = createInterface({ input, output, terminal: isTTY });
  // One iterator for every read: it buffers lines that arrive while the agent works (piped input),
  // where rl.question would drop them.
  const lines = rl[Symbol.asyncIterator]();
  const terminal = new Terminal(
    (text) => output.write(text),
    async () => {
      const next = await lines.next();
      // Piped answers are not echoed: end the prompt's line as Enter would on a terminal.
      if (!isTTY) output.write('\n');
      return next.done ? undefined : next.value;
    },
  );
  const write = (text: string) => terminal.write(text);
  // Tool calls of one step run concurrently; their questions are asked one after another.
  const approve: Approve | undefined = options.confirmTools
    ? async (call) => ((await terminal.ask(`  allow ${call.name}(${JSON.stringify(call.arguments)})? [y/N] `)) ?? '').trim().toLowerCase().startsWith('y')
    : undefined;

  write(`Talking to ${model.id} (tools: ${tools.names().join(', ')}; workspace ${options.workspace}). Empty line or Ctrl-D to quit.\n`);
  let history: Message[] = [];
  try {
    for (;;) {
      const line = await terminal.ask('you> ');
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
      await terminal.idle();
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

/**
 * The terminal, one thing at a time: a question waits for the questions before it to be answered,
 * and text written meanwhile waits its turn, so prompts of concurrent tool calls never land on
 * top of each other. With nothing waiting, text is written at once (streaming stays live).
 */
export class Terminal {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly out: (text: string) => void,
    private readonly read: () => Promise<string | undefined>,
  ) {}

  write(text: string): void {
    if (this.waiting === 0) this.out(text);
    else void this.enqueue(() => this.out(text));
  }

  /** Writes the prompt once every earlier question is answered, then reads one line. */
  ask(prompt: string): Promise<string | undefined> {
    return this.enqueue(() => {
      this.out(prompt);
      return this.read();
    });
  }

  /** Resolves when every question and write queued so far is done. */
  async idle(): Promise<void> {
    while (this.waiting > 0) await this.tail;
  }

  private enqueue<T>(job: () => T | Promise<T>): Promise<T> {
    this.waiting++;
    const run = this.tail.then(job).finally(() => this.waiting--);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function truncate(text: string, max = 160): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
