// A τ-bench tool as ported: its Python signature (for Python's own argument errors), a zod
// validator for harnesses that check arguments before running a tool, and its body. τ-bench
// validates nothing: it calls invoke(data=..., **kwargs) and turns any exception into the
// observation "Error: <str(exception)>", so that is what runTool does too.

import type { z } from 'zod';
import { exceptionText, PyException, typeError } from '../python/errors.ts';
import { strRepr } from '../python/repr.ts';
import type { PyDict, PyValue } from '../python/value.ts';

export type TauDomainName = 'airline' | 'retail';

export type Args = Record<string, PyValue>;

export interface TauToolImpl {
  /** The tool's name, also its module: tau_bench/envs/<domain>/tools/<name>.py. */
  name: string;
  /** The Python class, which Python names in its errors for bad arguments. */
  pyClass: string;
  /** Keyword parameters of invoke after `data`, in order; τ-bench gives none a default. */
  params: readonly string[];
  /** Validates plain JSON arguments (top-level extra keys rejected, as Python rejects them). */
  args: z.ZodType;
  /** Changes the database when it succeeds: the actions the reward explanation matches. */
  writes: boolean;
  /** The body of invoke. Returns Python's return value: a string, or null for None. */
  run(data: PyDict, args: Args): string | null;
}

/** Env.step's handling of one tool call: bind the arguments, run, report exceptions as "Error: ...". */
export function runTool(domain: TauDomainName, tool: TauToolImpl, data: PyDict, kwargs: PyDict): string | null {
  try {
    return tool.run(data, bindArguments(domain, tool, kwargs));
  } catch (error) {
    if (error instanceof PyException) return `Error: ${exceptionText(error)}`;
    // Python raises RecursionError where JS runs out of stack (absurdly deep arguments).
    if (error instanceof RangeError && /call stack/.test(error.message)) return 'Error: maximum recursion depth exceeded';
    throw error; // anything else is a bug in the port, not behaviour to reproduce
  }
}

/** invoke(data=data, **kwargs): CPython 3.11's TypeErrors for a duplicate, unexpected or missing argument. */
export function bindArguments(domain: TauDomainName, tool: TauToolImpl, kwargs: PyDict): Args {
  const fn = `${tool.pyClass}.invoke()`;
  if (kwargs.has('data')) {
    throw typeError(`tau_bench.envs.${domain}.tools.${tool.name}.${fn} got multiple values for keyword argument 'data'`);
  }
  for (const key of kwargs.keys()) {
    if (!tool.params.includes(key)) throw typeError(`${fn} got an unexpected keyword argument ${strRepr(key)}`);
  }
  const missing = tool.params.filter((p) => !kwargs.has(p)).map((p) => `'${p}'`);
  if (missing.length > 0) {
    const names =
      missing.length === 1
        ? missing[0]
        : missing.length === 2
          ? `${missing[0]} and ${missing[1]}`
          : `${missing.slice(0, -1).join(', ')}, and ${missing[missing.length - 1]}`;
    const plural = missing.length === 1 ? 'argument' : 'arguments';
    throw typeError(`${fn} missing ${missing.length} required positional ${plural}: ${names}`);
  }
  return Object.fromEntries(kwargs);
}
