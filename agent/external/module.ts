// The module target: a function `(request, context) => response` exported by a file, TypeScript or
// JavaScript, loaded through tsx (Lunar's own dependency), so a `.ts` agent needs no build step.
// It runs in Lunar's process: a function that ignores the abort signal is left behind on a
// timeout (its answer is dropped), never waited for.

import { pathToFileURL } from 'node:url';
import type { AgentCallContext, ExternalAgent } from './agent.ts';
import { parseAgentResponse, type AgentRequest, type AgentResponse } from './protocol.ts';

type AgentFunction = (request: AgentRequest, context: AgentCallContext) => unknown;

/** Loaded once per file and export, for every attempt. */
const loaded = new Map<string, Promise<AgentFunction>>();

async function load(path: string, name: string): Promise<AgentFunction> {
  const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
  let exports: Record<string, unknown>;
  try {
    exports = await tsImport(pathToFileURL(path).href, import.meta.url);
  } catch (error) {
    throw new Error(`module ${path}: cannot load it: ${(error as Error).message.split('\n')[0]}`);
  }
  // A CommonJS or transpiled default export may sit one level down.
  let fn = exports[name];
  if (name === 'default' && typeof fn === 'object' && fn !== null && typeof (fn as { default?: unknown }).default === 'function') fn = (fn as { default: unknown }).default;
  if (typeof fn !== 'function') {
    const found = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    throw new Error(`module ${path}: export "${name}" is not a function (functions exported: ${found.length ? found.join(', ') : 'none'}); write module:${path}#<export>`);
  }
  return fn as AgentFunction;
}

export function moduleAgent(path: string, name: string, timeoutMs?: number): ExternalAgent {
  const key = `${path}#${name}`;
  const source = `module ${path}#${name}`;
  return {
    kind: 'module',
    ...(timeoutMs ? { timeoutMs } : {}),
    retries: 0,
    async call(request: AgentRequest, context: AgentCallContext): Promise<AgentResponse> {
      let fn = loaded.get(key);
      if (!fn) loaded.set(key, (fn = load(path, name)));
      fn.catch(() => loaded.delete(key));
      const agent = await fn;
      const answer = await raceAbort(Promise.resolve().then(() => agent(request, context)), context.signal);
      return parseAgentResponse(answer, source);
    },
  };
}

/** The promise, or the signal's reason as soon as it fires. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
