// The human user: a person at the terminal plays the simulated user (τ-bench's
// HumanUserSimulationEnv), as in `lunar chat`: they read their instruction (which the agent never
// sees) and each reply of the agent, and type the user's lines; ###STOP### (or the end of input)
// ends the episode. One reader per input stream for the whole process: a readline made per question
// would drop the lines a pasted or piped block delivered beyond the first.

import { createInterface, type Interface } from 'node:readline';
import { STOP_TOKEN } from '../tau/environment.ts';
import type { UserSimulator, UserUsage } from './simulator.ts';

class LineQueue {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;

  private readonly rl: Interface;

  constructor(private readonly input: NodeJS.ReadableStream) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.lines.push(line);
      // Read only while a question waits: a reading terminal would keep the process alive after the run.
      if (this.waiting.length === 0) this.hold();
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const next of this.waiting.splice(0)) next(undefined);
    });
    this.hold();
  }

  /** Stops reading, and lets the process end meanwhile (a paused terminal or pipe still holds it). */
  private hold(): void {
    this.rl.pause();
    (this.input as Partial<{ unref(): void }>).unref?.();
  }

  private listen(): void {
    (this.input as Partial<{ ref(): void }>).ref?.();
    this.rl.resume();
  }

  /** The next line typed, or undefined once the input has ended. */
  next(signal?: AbortSignal): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const take = (line: string | undefined) => {
        signal?.removeEventListener('abort', abort);
        resolve(line);
      };
      const abort = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(signal!.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(take);
      this.listen();
    });
  }
}

const queues = new WeakMap<NodeJS.ReadableStream, LineQueue>();

function linesOf(input: NodeJS.ReadableStream): LineQueue {
  let queue = queues.get(input);
  if (!queue) queues.set(input, (queue = new LineQueue(input)));
  return queue;
}

export class HumanUser implements UserSimulator {
  readonly strategy = 'human';
  readonly target = 'human';
  readonly usage: UserUsage = { calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };
  private readonly lines: LineQueue;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    this.lines = linesOf(input);
  }

  start(instruction: string, signal?: AbortSignal): Promise<string> {
    this.output.write(`\nYou play the user. Your instruction (the agent cannot see it):\n${instruction}\nType the user's lines; ${STOP_TOKEN} when the goal is met (or to give up).\n`);
    return this.ask(signal);
  }

  reply(agentMessage: string, signal?: AbortSignal): Promise<string> {
    this.output.write(`agent: ${agentMessage}\n`);
    return this.ask(signal);
  }

  private async ask(signal?: AbortSignal): Promise<string> {
    this.output.write('you> ');
    const line = await this.lines.next(signal);
    // The end of input (Ctrl-D, a piped file run out) ends the conversation as the user would.
    if (line === undefined) {
      this.output.write(`${STOP_TOKEN}\n`);
      return STOP_TOKEN;
    }
    return line;
  }
}
