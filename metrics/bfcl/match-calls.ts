// A model's whole output (its list of decoded calls) against a BFCL entry: the count rule of each
// category, then call-by-call checks. Parallel calls are order-free; BFCL pairs them greedily.

import { maximumMatching } from '../tool-calls.ts';
import { bfclCategoryRule } from '../../datasets/bfcl/categories.ts';
import { BfclDataError } from './errors.ts';
import { checkCall, validVerdict } from './match-call.ts';
import { pyRepr } from '../../datasets/bfcl/python.ts';
import type { BfclErrorType, BfclVerdict, CheckOptions, DecodedCall, FunctionDoc, GroundTruthCall, PyDict } from '../../datasets/bfcl/types.ts';

export { BfclCrashError, BfclDataError } from './errors.ts';

/** What one BFCL entry gives the checker: the offered functions and, except for irrelevance, the expected calls. */
export interface BfclEntry {
  functions: readonly FunctionDoc[];
  groundTruth?: readonly GroundTruthCall[];
}

/**
 * BFCL's verdict on one output. Dispatch is by category name, as in BFCL (categories.ts):
 * "irrelevance" → no call expected; otherwise "relevance" → at least one call expected; otherwise
 * "parallel" → the parallel checker, "multiple" → the multiple checker, anything else → the simple
 * checker; with Java's or JavaScript's type rules when the name says "java" or "javascript". So
 * live_simple is judged as simple_python, parallel_multiple and live_parallel_multiple as
 * parallel, and so on. The category sets `options.language`.
 */
export function checkBfcl(category: string, entry: BfclEntry, calls: readonly DecodedCall[], options: CheckOptions = {}): BfclVerdict {
  const rule = bfclCategoryRule(category);
  if (rule.checker === 'irrelevance') return checkIrrelevance(calls);
  if (rule.checker === 'relevance') return checkRelevance(calls);
  const groundTruth = entry.groundTruth;
  if (!groundTruth || groundTruth.length === 0) throw new BfclDataError(`category ${category} needs the expected calls (a possible answer)`);
  const judged = { ...options, language: rule.language };
  if (rule.checker === 'parallel') return checkParallel(entry.functions, groundTruth, calls, judged);
  if (rule.checker === 'multiple') return checkMultiple(entry.functions, groundTruth, calls, judged);
  return checkSimple(entry.functions, groundTruth, calls, judged);
}

/** Irrelevance: valid iff the model made no call at all (a call with no arguments, or to an unknown function, is still a call). */
export function checkIrrelevance(calls: readonly DecodedCall[]): BfclVerdict {
  if (calls.length === 0) return validVerdict();
  return invalid('irrelevance_error:decoder_success', ['Valid syntax. Successfully decode AST when it should not.']);
}

/**
 * Relevance (live_relevance): valid iff the model made at least one call, whatever its name and
 * arguments: there is no possible answer to check them against. BFCL's message ends with the
 * decoding error, which is None when the output decoded to no call.
 */
export function checkRelevance(calls: readonly DecodedCall[]): BfclVerdict {
  if (calls.length > 0) return validVerdict();
  return invalid('relevance_error:decoder_failed', ['Invalid syntax. Failed to decode AST when it should have. None']);
}

/** Simple: exactly one call, checked against the first offered function and the first expected call. */
export function checkSimple(functions: readonly FunctionDoc[], groundTruth: readonly GroundTruthCall[], calls: readonly DecodedCall[], options: CheckOptions = {}): BfclVerdict {
  if (calls.length !== 1) return invalid('simple_function_checker:wrong_count', ['Wrong number of functions.']);
  if (functions.length === 0) throw new BfclDataError('the entry offers no function to check the call against');
  return checkCall(functions[0]!, calls[0]!, groundTruth[0]!, options);
}

/** Multiple: as many calls as expected (always one), checked against the expected function's schema. */
export function checkMultiple(functions: readonly FunctionDoc[], groundTruth: readonly GroundTruthCall[], calls: readonly DecodedCall[], options: CheckOptions = {}): BfclVerdict {
  if (calls.length !== groundTruth.length) return invalid('multiple_function_checker:wrong_count', ['Wrong number of functions.']);
  return checkCall(findFunction(functions, groundTruth[0]!.name), calls[0]!, groundTruth[0]!, options);
}

/**
 * Parallel: as many calls as expected, in any order. With BFCL's greedy pairing, each expected
 * call in turn takes the first not-yet-taken call that passes against it; the first expected call
 * left without one fails the output (`cannot_find_match`).
 */
export function checkParallel(functions: readonly FunctionDoc[], groundTruth: readonly GroundTruthCall[], calls: readonly DecodedCall[], options: CheckOptions = {}): BfclVerdict {
  if (calls.length !== groundTruth.length) return invalid('parallel_function_checker_no_order:wrong_count', ['Wrong number of functions.']);
  const docs = groundTruth.map((answer) => findFunction(functions, answer.name));
  const verdict = (answer: number, call: number) => checkCall(docs[answer]!, calls[call]!, groundTruth[answer]!, options);
  if (options.parallelMatching === 'maximum') return maximumParallel(groundTruth, calls, verdict);
  const taken = new Set<number>();
  for (let answer = 0; answer < groundTruth.length; answer++) {
    const tried: string[] = [];
    let found = false;
    for (let call = 0; call < calls.length && !found; call++) {
      if (taken.has(call)) continue;
      const result = verdict(answer, call);
      if (result.valid) {
        taken.add(call);
        found = true;
      } else {
        tried.push(triedDescription(call, result, calls[call]!, groundTruth[answer]!));
      }
    }
    if (!found) {
      const considered = calls.map((_, i) => i).filter((i) => !taken.has(i));
      return invalid('parallel_function_checker_no_order:cannot_find_match', [
        `Could not find a matching function among index ${pyRepr(considered.map(BigInt))} of model output for index ${answer} of possible answers.`,
        ...tried,
      ]);
    }
  }
  return validVerdict();
}

/** A one-to-one pairing whenever one exists (Kuhn's augmenting paths), whatever the order of the calls. */
function maximumParallel(groundTruth: readonly GroundTruthCall[], calls: readonly DecodedCall[], verdict: (answer: number, call: number) => BfclVerdict): BfclVerdict {
  const partner = maximumMatching(groundTruth.length, calls.length, (answer, call) => verdict(answer, call).valid);
  const unmatched = partner.flatMap((call, answer) => (call === null ? [answer] : []));
  if (unmatched.length === 0) return validVerdict();
  const leftOver = calls.map((_, i) => i).filter((i) => !partner.includes(i));
  return invalid('parallel_function_checker_no_order:cannot_find_match', [
    `No one-to-one pairing: index ${pyRepr(unmatched.map(BigInt))} of possible answers left without a match among index ${pyRepr(leftOver.map(BigInt))} of model output.`,
  ]);
}

function findFunction(functions: readonly FunctionDoc[], name: string): FunctionDoc {
  const doc = functions.find((f) => f.name === name);
  if (!doc) throw new BfclDataError(`the expected call names function '${name}', which the entry does not offer (offered: ${functions.map((f) => f.name).join(', ')})`);
  return doc;
}

/** BFCL's per-call error record for a failed pairing, as the repr of its dict. */
function triedDescription(index: number, result: BfclVerdict, call: DecodedCall, answer: GroundTruthCall): string {
  const record: PyDict = {
    [`Model Result Index ${index}`]: {
      sub_error: result.errors,
      sub_error_type: result.error_type,
      model_output_item: { [call.name]: call.arguments },
      possible_answer_item: { [answer.name]: answer.params },
    },
  };
  return pyRepr(record);
}

function invalid(errorType: BfclErrorType, errors: string[]): BfclVerdict {
  return { valid: false, error_type: errorType, errors };
}
