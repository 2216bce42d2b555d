// The exec target: a command, in any language, that reads one JSON request on stdin and writes
// one JSON response on stdout. It gets TRACEPARENT (and OTEL_EXPORTER_OTLP_ENDPOINT when a
// collector runs) in its environment. A non-zero exit, a signal or stdout that is not one
// response is an errored attempt whose reason ends with the last lines of its stderr; a timeout
// kills its whole process group, so a shell's children go with it.

import { spawn } from 'node:child_process';
import { McpConfigError, expand } from '../mcp/config.ts';
import { oneLine, ProviderError } from '../providers/errors.ts';
import type { AgentCallContext, ExternalAgent } from './agent.ts';
import type { ExecSettings } from './config.ts';
import { variableValues } from './secrets.ts';
import { parseAgentResponse, type AgentRequest, type AgentResponse } from './protocol.ts';

/** Lines of stderr an error keeps. */
export const STDERR_TAIL_LINES = 20;
/** Most bytes of stdout or stderr kept; an agent writing more is cut off there. */
const MAX_OUTPUT = 8 * 1024 * 1024;

export function execAgent(settings: ExecSettings, cwd: string, shell: boolean, env: NodeJS.ProcessEnv = process.env): ExternalAgent {
  const source = `exec ${settings.command}`;
  return {
    kind: 'exec',
    ...(settings.timeout_ms ? { timeoutMs: settings.timeout_ms } : {}),
    retries: 0,
    async call(request: AgentRequest, context: AgentCallContext): Promise<AgentResponse> {
      let extra: Record<string, string>;
      try {
        extra = Object.fromEntries(Object.entries(settings.env).map(([name, value]) => [name, expand(value, env, () => `${source}: env.${name}`)]));
      } catch (error) {
        if (error instanceof McpConfigError) throw new ProviderError('exec', 'bad_request', error.message);
        throw error;
      }
      const secrets = [...Object.values(extra), ...variableValues(Object.values(settings.env), env)];
      const childEnv = { ...env, ...extra, TRACEPARENT: context.traceparent, ...(context.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: context.otlpEndpoint } : {}) };
      const { code, signal, stdout, stderr } = await run(settings, cwd, shell, childEnv, JSON.stringify(request), context.signal);
      const tail = stderrTail(stderr);
      const because = tail ? `; stderr: ${tail}` : '; no stderr';
      if (code !== 0) throw new ProviderError('exec', 'bad_request', oneLine(`${source}: ${signal ? `killed by ${signal}` : `exited with ${code}`}${because}`, secrets));
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        const shown = stdout.trim() ? `"${stdout.trim().slice(0, 200)}"` : 'nothing';
        throw new ProviderError('exec', 'bad_request', oneLine(`${source}: stdout is not one JSON response (wrote ${shown})${because}`, secrets));
      }
      return parseAgentResponse(json, source);
    },
  };
}

/** The last lines of stderr, joined with " | " so the reason stays one line. */
export function stderrTail(stderr: string): string {
  return stderr.trimEnd().split(/\r?\n/).slice(-STDERR_TAIL_LINES).map((line) => line.trim()).filter(Boolean).join(' | ');
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(settings: ExecSettings, cwd: string, shell: boolean, env: NodeJS.ProcessEnv, input: string, abort: AbortSignal): Promise<Finished> {
  return new Promise((resolve, reject) => {
    // Its own process group (detached), so a kill reaches whatever the command started.
    const child = spawn(settings.command, settings.args ?? [], { cwd, env, shell, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if ((outBytes += chunk.length) <= MAX_OUTPUT) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail matters: keep the last chunks within the cap.
      err.push(chunk);
      errBytes += chunk.length;
      while (errBytes > MAX_OUTPUT && err.length > 1) errBytes -= err.shift()!.length;
    });
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const onAbort = () => {
      kill();
      reject(abort.reason);
    };
    if (abort.aborted) return onAbort();
    abort.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      abort.removeEventListener('abort', onAbort);
      reject(new ProviderError('exec', 'bad_request', `exec ${settings.command}: cannot start it: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      abort.removeEventListener('abort', onAbort);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A command that exits without reading its stdin must not fail the write.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
