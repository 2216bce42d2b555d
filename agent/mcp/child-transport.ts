// The stdio transport to an MCP server Lunar starts: newline-delimited JSON-RPC over the child's
// stdin and stdout (the SDK's framing, ReadBuffer and serializeMessage), as the SDK's
// StdioClientTransport does, with three differences a benchmark needs:
// - the child runs in its own process group (POSIX), so the Ctrl-C a terminal sends to Lunar's
//   group does not kill the servers of attempts the first Ctrl-C lets finish; Lunar ends the
//   group itself (close, killNow), which also reaches the grandchildren of `npx`-style launchers;
// - how the child ended (exit code or signal) and the tail of its stderr are kept, so a call to
//   a server that died says why;
// - its stderr is read (not inherited), so a chatty server cannot scribble over the progress bar.
// The child gets the SDK's short list of safe variables (PATH, HOME, ...) plus its configured env:
// Lunar's API keys are not handed to third-party servers.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { mcpSdk } from './sdk.ts';

export interface ChildServer {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** How long close() waits for the child to leave after its stdin closes, and again after SIGTERM. */
const GRACE_MS = 1_000;
const STDERR_TAIL_CHARS = 2_000;
const OWN_GROUP = process.platform !== 'win32';

export class ChildTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private readonly buffer = new (mcpSdk().ReadBuffer)();
  private stderr = '';
  /** Set once the child has gone. */
  ended?: { code: number | null; signal: NodeJS.Signals | null };

  constructor(private readonly server: ChildServer) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.server.command, this.server.args, {
        cwd: this.server.cwd,
        env: { ...mcpSdk().getDefaultEnvironment(), ...this.server.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: OWN_GROUP,
        windowsHide: true,
      });
      this.child = child;
      child.once('spawn', () => resolve());
      child.on('error', (error) => {
        // Before 'spawn' this is "could not start" (ENOENT, EACCES); after it, rejecting is a no-op.
        reject(error);
        this.onerror?.(error);
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        this.drain();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      });
      // A child that died has closed its pipes: writing to it is EPIPE, reported by close instead.
      child.stdin!.on('error', () => {});
      child.once('close', (code, signal) => {
        this.ended = { code, signal };
        this.buffer.clear();
        this.onclose?.();
      });
    });
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a server printing to stdout): reported, skipped.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.ended || !stdin.writable) return Promise.reject(new Error('the server process is not running'));
    return new Promise((resolve) => {
      if (stdin.write(mcpSdk().serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the server as MCP asks: close its stdin, then SIGTERM, then SIGKILL, each after a grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.ended) return;
    const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const within = (ms: number) => Promise.race([gone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
    child.stdin?.end();
    if (await within(GRACE_MS)) return;
    this.signal('SIGTERM');
    if (await within(GRACE_MS)) return;
    this.signal('SIGKILL');
    await within(GRACE_MS);
  }

  /** For a process that is exiting now (no time to wait): SIGTERM to the server's group. */
  killNow(): void {
    if (this.child && !this.ended) this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      if (OWN_GROUP) process.kill(-pid, signal);
      else this.child!.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /** Why the server is not running: how it ended, and the last thing it wrote to stderr. */
  describeEnd(): string {
    const how = !this.ended ? 'its process is gone' : this.ended.signal ? `it was killed by ${this.ended.signal}` : `it exited with code ${this.ended.code}`;
    const said = lastLines(this.stderr);
    return said ? `${how}; its stderr ended with: ${said}` : how;
  }
}

/** The last non-empty lines of `text`, at most 300 characters, on one line. */
function lastLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const tail = lines.slice(-3).join(' | ');
  return tail.length > 300 ? `…${tail.slice(-300)}` : tail;
}
