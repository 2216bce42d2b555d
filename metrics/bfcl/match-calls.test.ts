// Whole outputs per category: the count rules, multiple's expected function, parallel's
// order-free greedy pairing (the README's worked example 2, parallel_96), and irrelevance.

import { describe, expect, it } from 'vitest';
import { BfclDataError, checkBfcl, checkIrrelevance, checkMultiple, checkParallel, checkSimple } from './match-calls.ts';
import { parsePythonJson } from '../../datasets/bfcl/parse.ts';
import { type DecodedCall, FunctionDoc, type GroundTruthCall, PossibleAnswer } from '../../datasets/bfcl/types.ts';

const docs = (json: string): FunctionDoc[] => (parsePythonJson(json) as unknown[]).map((d) => FunctionDoc.parse(d));
const truth = (json: string): GroundTruthCall[] => PossibleAnswer.parse({ id: 'x', ground_truth: parsePythonJson(json) }).ground_truth;
const calls = (json: string): DecodedCall[] => parsePythonJson(json) as unknown as DecodedCall[];

// parallel_96 as in BFCL_v4_parallel.json and its possible answer.
const force = docs(`[{"name": "electromagnetic_force", "description": "d", "parameters": {"type": "dict", "properties": {
  "charge1": {"type": "integer"}, "charge2": {"type": "integer"}, "distance": {"type": "integer"},
  "medium_permittivity": {"type": "float"}}, "required": ["charge1", "charge2", "distance"]}}]`);
const forceTruth = truth(`[
  {"electromagnetic_force": {"charge1": [5], "charge2": [10], "distance": [2], "medium_permittivity": [8.854e-12, ""]}},
  {"electromagnetic_force": {"charge1": [5], "charge2": [10], "distance": [2], "medium_permittivity": [5e-12, ""]}}]`);
const A = '{"name": "electromagnetic_force", "arguments": {"charge1": 5, "charge2": 10, "distance": 2, "medium_permittivity": 8.854e-12}}';
const B = '{"name": "electromagnetic_force", "arguments": {"charge1": 5, "charge2": 10, "distance": 2, "medium_permittivity": 5e-12}}';
const C = '{"name": "electromagnetic_force", "arguments": {"charge1": 5, "charge2": 10, "distance": 2}}';

describe('checkParallel (README worked example 2, parallel_96)', () => {
  it('accepts [A, B] and [B, A]: order does not matter', () => {
    expect(checkParallel(force, forceTruth, calls(`[${A}, ${B}]`)).valid).toBe(true);
    expect(checkParallel(force, forceTruth, calls(`[${B}, ${A}]`)).valid).toBe(true);
  });

  it('rejects [C, A] as BFCL does: answer 0 takes C greedily, leaving A for answer 1', () => {
    expect(checkParallel(force, forceTruth, calls(`[${C}, ${A}]`))).toEqual({
      valid: false,
      error_type: 'parallel_function_checker_no_order:cannot_find_match',
      errors: [
        'Could not find a matching function among index [1] of model output for index 1 of possible answers.',
        "{'Model Result Index 1': {'sub_error': [\"Invalid value for parameter 'medium_permittivity': 8.854e-12. Expected one of [5e-12, ''].\"], " +
          "'sub_error_type': 'value_error:others', 'model_output_item': {'electromagnetic_force': {'charge1': 5, 'charge2': 10, 'distance': 2, 'medium_permittivity': 8.854e-12}}, " +
          "'possible_answer_item': {'electromagnetic_force': {'charge1': [5], 'charge2': [10], 'distance': [2], 'medium_permittivity': [5e-12, '']}}}}",
      ],
    });
  });

  it('accepts [A, C]: the same calls in the order greedy pairing gets right', () => {
    expect(checkParallel(force, forceTruth, calls(`[${A}, ${C}]`)).valid).toBe(true);
  });

  it('with parallelMatching "maximum", accepts [C, A] too, since a one-to-one pairing exists', () => {
    expect(checkParallel(force, forceTruth, calls(`[${C}, ${A}]`), { parallelMatching: 'maximum' }).valid).toBe(true);
    const none = checkParallel(force, forceTruth, calls(`[${A}, ${A}]`), { parallelMatching: 'maximum' });
    expect([none.valid, none.error_type]).toEqual([false, 'parallel_function_checker_no_order:cannot_find_match']);
  });

  it('needs exactly as many calls as expected: wrong_count', () => {
    expect(checkParallel(force, forceTruth, calls(`[${A}]`)).error_type).toBe('parallel_function_checker_no_order:wrong_count');
    expect(checkParallel(force, forceTruth, calls(`[${A}, ${B}, ${C}]`)).error_type).toBe('parallel_function_checker_no_order:wrong_count');
  });
});

const offered = docs(`[
  {"name": "weather.get", "description": "d", "parameters": {"type": "dict", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
  {"name": "time.get", "description": "d", "parameters": {"type": "dict", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]`);
const timeTruth = truth('[{"time.get": {"city": ["Paris"]}}]');

describe('checkMultiple and checkSimple', () => {
  it('multiple: checks against the expected function, so calling another offered one is wrong_func_name', () => {
    expect(checkMultiple(offered, timeTruth, calls('[{"name": "time.get", "arguments": {"city": "paris"}}]')).valid).toBe(true);
    expect(checkMultiple(offered, timeTruth, calls('[{"name": "weather.get", "arguments": {"city": "Paris"}}]')).error_type).toBe(
      'simple_function_checker:wrong_func_name',
    );
    expect(checkMultiple(offered, timeTruth, calls('[]')).error_type).toBe('multiple_function_checker:wrong_count');
  });

  it('simple: exactly one call, against the first offered function', () => {
    const weatherTruth = truth('[{"weather.get": {"city": ["Paris"]}}]');
    const one = '{"name": "weather.get", "arguments": {"city": "Paris"}}';
    expect(checkSimple(offered, weatherTruth, calls(`[${one}]`)).valid).toBe(true);
    expect(checkSimple(offered, weatherTruth, calls(`[${one}, ${one}]`)).error_type).toBe('simple_function_checker:wrong_count');
    expect(checkSimple(offered, weatherTruth, calls('[]')).error_type).toBe('simple_function_checker:wrong_count');
  });

  it('an expected function the entry does not offer is a data error, not a verdict', () => {
    expect(() => checkMultiple(offered, truth('[{"news.get": {"city": ["Paris"]}}]'), calls('[{"name": "news.get", "arguments": {}}]'))).toThrow(BfclDataError);
    // BFCL indexes func_description[0] of an empty list: no verdict either.
    expect(() => checkSimple([], timeTruth, calls('[{"name": "time.get", "arguments": {"city": "Paris"}}]'))).toThrow(BfclDataError);
  });
});

describe('checkIrrelevance and dispatch by category name', () => {
  it('irrelevance: valid only with no call, whatever the call', () => {
    expect(checkIrrelevance([])).toEqual({ valid: true, error_type: null, errors: [] });
    expect(checkIrrelevance(calls('[{"name": "not_offered", "arguments": {}}]')).error_type).toBe('irrelevance_error:decoder_success');
  });

  it('dispatches parallel, multiple, else simple, by the name as BFCL does', () => {
    const two = calls(`[${A}, ${B}]`);
    expect(checkBfcl('parallel', { functions: force, groundTruth: forceTruth }, two).valid).toBe(true);
    expect(checkBfcl('parallel_multiple', { functions: force, groundTruth: forceTruth }, two).valid).toBe(true);
    expect(checkBfcl('multiple', { functions: force, groundTruth: forceTruth }, calls(`[${A}]`)).error_type).toBe('multiple_function_checker:wrong_count');
    expect(checkBfcl('simple_python', { functions: force, groundTruth: forceTruth }, two).error_type).toBe('simple_function_checker:wrong_count');
    expect(checkBfcl('irrelevance', { functions: force }, []).valid).toBe(true);
    expect(() => checkBfcl('simple', { functions: force }, two)).toThrow(BfclDataError);
    // "relevance" without "irrelevance": at least one call, no possible answer needed.
    expect(checkBfcl('live_relevance', { functions: force }, two).valid).toBe(true);
    expect(checkBfcl('live_relevance', { functions: force }, []).error_type).toBe('relevance_error:decoder_failed');
    expect(checkBfcl('live_parallel_multiple', { functions: force, groundTruth: forceTruth }, two).valid).toBe(true);
  });
});
