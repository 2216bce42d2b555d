// Tool-call scorers over the calls the model made (every call it asked for, valid or not).

import type { ExpectedToolCall } from '../datasets/case.ts';
import type { ToolCallRecord } from '../agent/trace.ts';
import { valuesMatch } from './normalize.ts';
import { scored, type Scorer } from './score.ts';

/**
 * tool_name_match: each expected call's tool was called (as a multiset: two expected calls of a
 * tool need two calls). With `expected_no_tool`, passes only when no tool was called. Extra calls
 * are reported in details but do not fail the check.
 */
export function toolNameMatch(): Scorer {
  return {
    name: 'tool_name_match',
    score({ case: c, trace }) {
      const called = trace.toolCalls.map((t) => t.name);
      if (c.expected_no_tool) {
        const pass = called.length === 0;
        return scored('tool_name_match', pass ? 1 : 0, pass, pass ? 'no tool called, as expected' : `expected no tool, called ${called.join(', ')}`, { called });
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
      const reason = missing.length ? `not called: ${missing.join(', ')}${called.length ? `; called: ${called.join(', ')}` : '; no tool called'}` : `called ${called.join(', ')}`;
      return scored('tool_name_match', (total - missing.length) / total, missing.length === 0, reason, { called, missing, extra: remaining });
    },
  };
}

/**
 * tool_args_match: each expected call that names arguments was made with those values (other
 * arguments are not checked). Each actual call can satisfy one expected call.
 */
export function toolArgsMatch(): Scorer {
  return {
    name: 'tool_args_match',
    score({ case: c, trace }) {
      const expected = (c.expected_tool_calls ?? []).filter((e) => e.arguments && Object.keys(e.arguments).length > 0);
      if (expected.length === 0) return null;
      const unused = [...trace.toolCalls];
      const unmatched: ExpectedToolCall[] = [];
      for (const want of expected) {
        const at = unused.findIndex((call) => argumentsMatch(want, call));
        if (at < 0) unmatched.push(want);
        else unused.splice(at, 1);
      }
      const matched = expected.length - unmatched.length;
      const reason = unmatched.length
        ? `no call matched ${unmatched.map((u) => `${u.name}(${JSON.stringify(u.arguments)})`).join(', ')}; calls: ${describeCalls(trace.toolCalls)}`
        : `all ${expected.length} expected argument set(s) matched`;
      return scored('tool_args_match', matched / expected.length, unmatched.length === 0, reason, { unmatched });
    },
  };
}

function argumentsMatch(want: ExpectedToolCall, call: ToolCallRecord): boolean {
  if (call.name !== want.name) return false;
  return Object.entries(want.arguments ?? {}).every(([key, value]) => valuesMatch(value, call.arguments[key]));
}

function describeCalls(calls: readonly ToolCallRecord[]): string {
  return calls.length ? calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join(', ') : 'none';
}
