// trajectory: the sequence of tool calls the agent made against the case's expected_tool_calls,
// with the four match modes of LangChain's agentevals (createTrajectoryMatchEvaluator), applied
// to the calls of the whole run in order (agentevals compares message by message; a Lunar case
// lists its expected calls flat).

import { z } from 'zod';
import type { ExpectedToolCall } from '../datasets/case.ts';
import type { ToolCallRecord } from '../agent/trace.ts';
import { defineScorer, scored } from './score.ts';
import { argumentsMatch, maximumMatching, unknownToolCalls } from './tool-calls.ts';

const Options = z
  .object({
    mode: z.enum(['strict', 'unordered', 'subset', 'superset']).default('strict'),
    compare_args: z.boolean().default(false),
  })
  .strict();

type Mode = z.infer<typeof Options>['mode'];

/**
 * A call meets an expected call when the tool is the same and, with `compare_args`, every
 * argument the expectation names has its value (valuesMatch: lenient on case, spacing, paths,
 * numbers as strings); arguments the expectation does not name are not compared. Each call meets
 * at most one expected call and each expected call at most one call, so repeats count:
 *
 * - strict: the same number of calls, each meeting the expected call at its position;
 * - unordered: the same multiset, in any order: every call and every expected call paired;
 * - subset: every call the agent made is paired with an expected one (it made nothing the
 *   reference does not have; it may have left some out);
 * - superset: every expected call is paired with one the agent made (extras allowed).
 *
 * Pairing is by maximum bipartite matching, so the order of calls never costs a pairing (agentevals
 * pairs first-fit, which can miss one when arguments are compared). Value 1 or 0, as agentevals
 * scores. With expected_no_tool the reference is empty: strict, unordered and subset pass only
 * when no tool was called; superset would pass whatever was called, so it does not apply (null).
 */
export const trajectory = defineScorer({
  name: 'trajectory',
  options: Options,
  create({ mode, compare_args: compareArgs }, name) {
    const meets = (want: ExpectedToolCall, call: ToolCallRecord) => (compareArgs ? argumentsMatch(want, call) : want.name === call.name);
    return ({ case: c, trace }) => {
      if (!c.expected_tool_calls && !c.expected_no_tool) return null;
      if (c.expected_no_tool && mode === 'superset') return null;
      const unknown = unknownToolCalls(name, trace);
      if (unknown) return unknown;
      const reference = c.expected_tool_calls ?? [];
      const calls = trace.toolCalls;
      const describe = (list: readonly { name: string; arguments?: Record<string, unknown> }[]) => describeCalls(list, compareArgs);
      const details = { mode, compare_args: compareArgs, expected: reference.map((r) => r.name), called: calls.map((t) => t.name) };
      if (mode === 'strict') {
        const at = firstMismatch(reference, calls, meets);
        const pass = at === null;
        const reason = pass
          ? `the ${calls.length} expected call(s), in order`
          : reference.length !== calls.length
            ? `expected ${reference.length} call(s) [${describe(reference)}], made ${calls.length} [${describe(calls)}]`
            : `call ${at! + 1}: expected ${describe([reference[at!]!])}, made ${describe([calls[at!]!])}`;
        return scored(name, pass ? 1 : 0, pass, reason, { ...details, mismatch_at: at });
      }
      const partner = maximumMatching(reference.length, calls.length, (e, k) => meets(reference[e]!, calls[k]!));
      const paired = new Set(partner.filter((k): k is number => k !== null));
      const missing = reference.filter((_, e) => partner[e] === null);
      const extra = calls.filter((_, k) => !paired.has(k));
      const pass = passes(mode, missing.length, extra.length);
      const problems = [
        missing.length && mode !== 'subset' ? `not made: ${describe(missing)}` : '',
        extra.length && mode !== 'superset' ? `not expected: ${describe(extra)}` : '',
      ].filter(Boolean);
      const reason = pass ? `${mode} match: ${paired.size} of ${calls.length} call(s) paired with ${reference.length} expected` : problems.join('; ');
      return scored(name, pass ? 1 : 0, pass, reason, { ...details, missing: missing.map((m) => m.name), extra: extra.map((x) => x.name) });
    };
  },
});

function passes(mode: Exclude<Mode, 'strict'>, missing: number, extra: number): boolean {
  if (mode === 'unordered') return missing === 0 && extra === 0;
  if (mode === 'subset') return extra === 0;
  return missing === 0;
}

/** The first position where the calls differ from the reference (a length difference counts at the shorter end); null when none. */
function firstMismatch(reference: readonly ExpectedToolCall[], calls: readonly ToolCallRecord[], meets: (want: ExpectedToolCall, call: ToolCallRecord) => boolean): number | null {
  const shared = Math.min(reference.length, calls.length);
  for (let i = 0; i < shared; i++) if (!meets(reference[i]!, calls[i]!)) return i;
  return reference.length === calls.length ? null : shared;
}

function describeCalls(list: readonly { name: string; arguments?: Record<string, unknown> }[], withArgs: boolean): string {
  if (list.length === 0) return 'none';
  return list.map((c) => (withArgs && c.arguments && Object.keys(c.arguments).length ? `${c.name}(${JSON.stringify(c.arguments)})` : c.name)).join(', ');
}
