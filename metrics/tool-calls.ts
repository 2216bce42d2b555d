// Tool-call scorers over the calls the model made (every call it asked for, valid or not).

import { z } from 'zod';
import type { ExpectedToolCall } from '../datasets/case.ts';
import type { ToolCallRecord, Trace } from '../agent/trace.ts';
import { valuesMatch } from './normalize.ts';
import { defineScorer, scored, skipped, type Score } from './score.ts';

const ToolNameMatchOptions = z.object({ allow_extra: z.boolean().default(true) }).strict();
const ToolArgsMatchOptions = z.object({}).strict();

/**
 * tool_name_match: each expected call's tool was called (as a multiset: two expected calls of a
 * tool need two calls). With `expected_no_tool`, passes only when no tool was called.
 *
 * Extra calls (beyond the expected multiset) are reported in details. With `allow_extra` (the
 * default) they do not count: the value is the share of expected calls made. With
 * `allow_extra: false` they fail the check, and the value is the multiset Jaccard index
 * matched / (expected + extra), so a run with every expected call and one extra scores below 1.
 */
export const toolNameMatch = defineScorer({
  name: 'tool_name_match',
  options: ToolNameMatchOptions,
  create: ({ allow_extra: allowExtra }, name) => ({ case: c, trace }) => {
    if (!c.expected_no_tool && !c.expected_tool_calls) return null;
    const unknown = unknownToolCalls(name, trace);
    if (unknown) return unknown;
    const called = trace.toolCalls.map((t) => t.name);
    if (c.expected_no_tool) {
      const pass = called.length === 0;
      return scored(name, pass ? 1 : 0, pass, pass ? 'no tool called, as expected' : `expected no tool, called ${called.join(', ')}`, { called });
    }
    if (!c.expected_tool_calls) return null;
    const remaining = [...called];
    const missing: string[] = [];
    for (const expected of c.expected_tool_calls) {
      const at = remaining.indexOf(expected.name);
      if (at < 0) missing.push(expected.name);
      else remaining.splice(at, 1);
    }
    const total = c.expected_tool_calls.length;
    const matched = total - missing.length;
    const extraFails = !allowExtra && remaining.length > 0;
    const problems: string[] = [];
    if (missing.length) problems.push(`not called: ${missing.join(', ')}`);
    if (extraFails) problems.push(`extra calls not allowed: ${remaining.join(', ')}`);
    const reason = problems.length ? `${problems.join('; ')}${called.length ? `; called: ${called.join(', ')}` : '; no tool called'}` : `called ${called.join(', ')}`;
    const value = allowExtra ? matched / total : matched / (total + remaining.length);
    return scored(name, value, missing.length === 0 && !extraFails, reason, { called, missing, extra: remaining });
  },
});

/**
 * tool_args_match: each expected call that names arguments was made with those values (other
 * arguments are not checked). Each actual call can satisfy one expected call; expectations are
 * paired with calls by a maximum bipartite matching, so the order of calls never costs a match
 * that some pairing would have found.
 */
export const toolArgsMatch = defineScorer({
  name: 'tool_args_match',
  options: ToolArgsMatchOptions,
  create: (_options, name) => ({ case: c, trace }) => {
    const expected = (c.expected_tool_calls ?? []).filter((e) => e.arguments && Object.keys(e.arguments).length > 0);
    if (expected.length === 0) return null;
    const unknown = unknownToolCalls(name, trace);
    if (unknown) return unknown;
    const callFor = maximumMatching(expected.length, trace.toolCalls.length, (e, k) => argumentsMatch(expected[e]!, trace.toolCalls[k]!));
    const unmatched = expected.filter((_, e) => callFor[e] === null);
    const matched = expected.length - unmatched.length;
    const reason = unmatched.length
      ? `no call matched ${unmatched.map((u) => `${u.name}(${JSON.stringify(u.arguments)})`).join(', ')}; calls: ${describeCalls(trace.toolCalls)}`
      : `all ${expected.length} expected argument set(s) matched`;
    return scored(name, matched / expected.length, unmatched.length === 0, reason, { unmatched });
  },
});

/**
 * Skipped, with the reason, when the trace cannot say which tools were called: an external agent
 * that reported no tool calls and whose spans never arrived. Without it an unknown trajectory would
 * read as "no tool called" and pass every expected_no_tool case.
 */
export function unknownToolCalls(name: string, trace: Trace): Score | undefined {
  if (trace.trajectory?.source !== 'none') return undefined;
  return skipped(name, trace.trajectory.note ?? "the agent's tool calls are unknown", { trajectory: 'none' });
}

/**
 * A maximum matching of a bipartite graph (left 0..left-1, right 0..right-1, `fits` the edges) by
 * augmenting paths (Kuhn's algorithm; O(left × edges), fine for a handful of tool calls).
 * Returns, for each left vertex, its right partner or null. Deterministic: left vertices are
 * tried in order and right ones in order, so ties go to the earlier call.
 */
export function maximumMatching(left: number, right: number, fits: (l: number, r: number) => boolean): (number | null)[] {
  const edges = Array.from({ length: left }, (_, l) => Array.from({ length: right }, (_, r) => r).filter((r) => fits(l, r)));
  const ownerOf: (number | null)[] = new Array<number | null>(right).fill(null);
  const augment = (l: number, visited: boolean[]): boolean => {
    for (const r of edges[l]!) {
      if (visited[r]) continue;
      visited[r] = true;
      const owner = ownerOf[r] ?? null;
      if (owner === null || augment(owner, visited)) {
        ownerOf[r] = l;
        return true;
      }
    }
    return false;
  };
  for (let l = 0; l < left; l++) augment(l, new Array<boolean>(right).fill(false));
  const partner: (number | null)[] = new Array<number | null>(left).fill(null);
  ownerOf.forEach((l, r) => {
    if (l !== null) partner[l] = r;
  });
  return partner;
}

/** The call is to the expected tool, and every argument the expectation names has its value (valuesMatch). */
export function argumentsMatch(want: ExpectedToolCall, call: Pick<ToolCallRecord, 'name' | 'arguments'>): boolean {
  if (call.name !== want.name) return false;
  return Object.entries(want.arguments ?? {}).every(([key, value]) => valuesMatch(value, call.arguments[key]));
}

function describeCalls(calls: readonly ToolCallRecord[]): string {
  return calls.length ? calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join(', ') : 'none';
}
