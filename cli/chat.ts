// `lunar chat`: a conversation in the terminal with one target, through the same tool loop the
// harness runs. Tool calls are printed as they happen; answers stream in. Each conversation is
// saved as a session transcript under <home>/sessions/ (agent/memory/session.ts), turn by turn,
// and `--session <id>` continues one.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runAgent, type Approve } from '../agent/loop.ts';
import { newSessionId, openSession, SessionError, type Session } from '../agent/memory/session.ts';
import type { Message } from '../agent/providers/types.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { InputError } from '../core/errors.ts';
import { resolveTarget } from '../agent/targets.ts';
import { EXTERNAL_AGENT_REFUSED, isExternalAgent, needsCaseScript } from '../agent/providers/capabilities.ts';

export function registerChatCommand(program: Command, home: () => string): void {
  program
    .command('chat')
    .description('Talk to the agent in the terminal: tool calls are shown as they happen and the answer is streamed. The conversation is saved as a session.')
    .requiredOption('-t, --target <id>', 'the model to talk to (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini, baseline)')
    .option('-w, --workspace <dir>', 'the folder the file tools may read', 'datasets/workspace')
    .option('-s, --system <prompt>', 'a system prompt')
    .option('--session <id>', 'continue a saved conversation (the id lunar chat printed when it ended; files in <home>/sessions/)')
    .option('--home <dir>', 'where sessions are saved (default $LUNAR_HOME or .lunar)')
    .option('--confirm-tools', 'ask before each tool call runs (human in the loop)', false)
    .option('--no-stream', 'wait for whole replies instead of streaming them')
    .action(async (opts: { target: string; workspace: string; system?: string; session?: string; home?: string; confirmTools: boolean; stream: boolean }) => {
      const { home: given, ...rest } = opts;
      await runChat({ ...rest, workspace: resolve(opts.workspace), home: given ? resolve(given) : home() });
    });
}

export interface ChatOptions {
  target: string;
  workspace: string;
  system?: string;
  confirmTools: boolean;
  stream: boolean;
  /** The Lunar home: conversations are saved under <home>/sessions/. */
  home: string;
  /** Continue this saved conversation. */
  session?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Where providers read keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function runChat(options: ChatOptions): Promise<void> {
  if (needsCaseScript(options.target)) throw new InputError('the scripted target needs a script; use it with lunar bench');
  if (isExternalAgent(options.target)) throw new InputError(EXTERNAL_AGENT_REFUSED(options.target, 'chat'));
  // An unknown target, a missing key or a bad script file: one line and exit 2, before the prompt.
  // (`scripted:FILE` works: the conversation plays the file's steps in order.)
  const model = resolveTarget(options.target, options.env ? { env: options.env } : {}).model();
  const tools = builtinRegistry();
  // Opened before the prompt (and before stdin is read), so a wrong id is one line and exit 2; a
  // new conversation's file is made with its first turn.
  let session = options.session === undefined ? undefined : await resumed(options.home, options.session);
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

  let history: Message[] = session?.messages() ?? [];
  const continuing = session ? ` Continuing session ${session.id} (${session.turns()} turns).` : '';
  write(`Talking to ${model.id} (tools: ${tools.names().join(', ')}; workspace ${options.workspace}).${continuing} Ctrl-D to quit.\n`);
  try {
    for (;;) {
      const line = await terminal.ask('you> ');
      if (line === undefined) break;
      if (line.trim() === '') continue;
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
      // A turn the model failed is not kept: the retry must not follow an unanswered message (as runTurn).
      if (trace.stopReason === 'error' || trace.stopReason === 'aborted') continue;
      // Keep the whole exchange, system prompt excluded (runAgent adds it each turn).
      const exchange = trace.messages.filter((m) => m.role !== 'system');
      session ??= await openSession(options.home, newSessionId(new Date()));
      await session.appendTurn(exchange.slice(history.length));
      history = exchange;
    }
  } finally {
    rl.close();
  }
  if (session) write(`Saved as session ${session.id}: lunar chat --session ${session.id} continues it.\n`);
}

async function resumed(home: string, id: string): Promise<Session> {
  try {
    const session = await openSession(home, id, { mustExist: true });
    for (const warning of session.warnings) process.stderr.write(`lunar: ${warning}\n`);
    return session;
  } catch (error) {
    if (error instanceof SessionError) throw new InputError(`--session: ${error.message}`);
    throw error;
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
