// bfcl_ast: a case read from BFCL's files (datasets/bfcl/cases.ts), judged by BFCL's AST checker
// on the calls of the agent's first reply, as BFCL judges a single-turn entry.

import { z } from 'zod';
import { defineScorer, scored } from '../score.ts';
import { bfclCategoryRule } from '../../datasets/bfcl/categories.ts';
import { checkBfcl } from './match-calls.ts';
import { bfclCallsFromToolCalls } from './trace-calls.ts';

const BfclAstOptions = z.object({}).strict();

export const bfclAst = defineScorer({
  name: 'bfcl_ast',
  options: BfclAstOptions,
  create: (_options, name) => ({ case: c, trace }) => {
    if (!c.bfcl) return null;
    const firstReply = trace.modelCalls[0];
    // Arguments that were not JSON fail BFCL's decoding of the whole output: for irrelevance
    // that is no call (valid), for relevance no call either (invalid), for the others an error
    // of its own.
    const undecodable = (firstReply?.response?.toolCalls ?? []).filter((call) => call.invalidArguments !== undefined);
    if (undecodable.length) {
      const { checker } = bfclCategoryRule(c.bfcl.category);
      const reason = `arguments of ${undecodable.map((call) => call.name).join(', ')} are not JSON`;
      if (checker === 'irrelevance') return scored(name, 1, true, `valid (${reason}: no call decoded)`, { error_type: null, errors: [] });
      if (checker === 'relevance') {
        const message = `Invalid syntax. Failed to decode AST when it should have. ${reason}`;
        return scored(name, 0, false, `relevance_error:decoder_failed: ${message}`, { error_type: 'relevance_error:decoder_failed', errors: [message] });
      }
      return scored(name, 0, false, `ast_decoder:decoder_failed: ${reason}`, { error_type: 'ast_decoder:decoder_failed', errors: [reason] });
    }
    const calls = bfclCallsFromToolCalls(trace.toolCalls.filter((call) => call.step === firstReply?.step));
    const verdict = checkBfcl(c.bfcl.category, { functions: c.bfcl.functions, groundTruth: c.bfcl.ground_truth }, calls, { underscoreToDot: c.bfcl.underscore_to_dot });
    const made = calls.length ? calls.map((call) => call.name).join(', ') : 'no call';
    const reason = verdict.valid ? `valid (${made})` : `${verdict.error_type}: ${verdict.errors[0] ?? ''} (${made})`;
    return scored(name, verdict.valid ? 1 : 0, verdict.valid, reason, { error_type: verdict.error_type, errors: verdict.errors });
  },
});
