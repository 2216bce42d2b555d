// The live categories, parallel_multiple and live_relevance. BFCL's dispatch reads only
// substrings of the category name (eval_runner.evaluate_task, ast_checker), so:
// - live_simple, live_multiple, live_parallel are judged exactly as simple_python, multiple and
//   parallel; parallel_multiple and live_parallel_multiple as parallel; live_irrelevance as
//   irrelevance. Held on BFCL's own verdicts (reference data bfcl/checker_verdicts_dev.jsonl) with
//   the category renamed, and on hand-made entries in the live format;
// - live_relevance passes when the output decodes to at least one call, any call (no possible
//   answer exists); otherwise relevance_error:decoder_failed.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkBfcl, checkRelevance, type BfclEntry } from './match-calls.ts';
import { parseJsonl, parsePossibleAnswers, parsePythonJson, parseQuestions } from '../../datasets/bfcl/parse.ts';
import { type DecodedCall, OutputLine } from '../../datasets/bfcl/types.ts';
import { referenceData } from '../../test/reference-data.ts';

const BFCL = referenceData('bfcl');
const read = (name: string) => readFileSync(BFCL.file(name), 'utf8');

const calls = (json: string): DecodedCall[] => parsePythonJson(json) as unknown as DecodedCall[];
const entryOf = (question: string, answer?: string, category = 'live_simple'): BfclEntry => {
  const q = [...parseQuestions(question, 'q.json', category).values()][0]!.value;
  return { functions: q.function, groundTruth: answer === undefined ? undefined : [...parsePossibleAnswers(answer, 'a.json').values()][0]!.value.ground_truth };
};

describe.skipIf(!BFCL.present)("the live categories give BFCL's verdict on its dev outputs, renamed (the dispatch ignores 'live')", () => {
  const Verdict = OutputLine.extend({ category: z.string(), underscore_to_dot: z.boolean(), valid: z.boolean(), error_type: z.string().nullable() });
  const verdicts = BFCL.present ? parseJsonl(read('checker_verdicts_dev.jsonl'), 'checker_verdicts_dev.jsonl', Verdict) : [];
  const renamed = {
    simple_python: ['live_simple'],
    multiple: ['live_multiple'],
    parallel: ['live_parallel', 'parallel_multiple', 'live_parallel_multiple'],
    irrelevance: ['live_irrelevance'],
  } as const;

  it.each(Object.entries(renamed).flatMap(([from, tos]) => tos.map((to) => [from, to] as const)))('%s judged as %s', (from, to) => {
    const questions = parseQuestions(read(`BFCL_v4_${from}.json`), from, to);
    const answers = from === 'irrelevance' ? null : parsePossibleAnswers(read(`possible_answer/BFCL_v4_${from}.json`), from);
    const lines = verdicts.filter((v) => v.value.category === from);
    const differing = lines.filter(({ value: want }) => {
      const got = checkBfcl(to, { functions: questions.get(want.id)!.value.function, groundTruth: answers?.get(want.id)!.value.ground_truth }, want.calls, {
        underscoreToDot: want.underscore_to_dot,
      });
      return got.valid !== want.valid || got.error_type !== want.error_type;
    });
    expect(lines.length).toBeGreaterThan(0);
    expect(differing.map((d) => d.line)).toEqual([]);
  });
});

describe('live_simple and live_multiple on hand-made entries in the live format (a system message, enum and default in the schema)', () => {
  const question = `{"id": "live_simple_900-1-0", "question": [[{"role": "system", "content": "You are a home assistant."}, {"role": "user", "content": "Set the living room to 21.5 degrees"}]],
    "function": [{"name": "thermostat.set", "description": "Set a room's temperature.", "parameters": {"type": "dict", "required": ["room", "celsius"],
      "properties": {"room": {"type": "string", "description": "Room name.", "enum": ["living room", "bedroom"]}, "celsius": {"type": "float", "description": "Target."},
      "mode": {"type": "string", "description": "Mode.", "enum": ["heat", "cool", "auto"], "default": "auto"}}}}]}`.replaceAll('\n', '');
  const answer = '{"id": "live_simple_900-1-0", "ground_truth": [{"thermostat.set": {"room": ["living room"], "celsius": [21.5], "mode": ["auto", ""]}}]}';
  const entry = entryOf(question, answer);

  it('applies the simple checker: one call, normalised strings, the optional default omitted or given', () => {
    expect(checkBfcl('live_simple', entry, calls('[{"name": "thermostat.set", "arguments": {"room": "Living Room", "celsius": 21.5}}]')).valid).toBe(true);
    expect(checkBfcl('live_simple', entry, calls('[{"name": "thermostat.set", "arguments": {"room": "living room", "celsius": 21.5, "mode": "auto"}}]')).valid).toBe(true);
  });

  it('and its failures: an int for a float is converted (21 != 21.5), two calls are wrong_count, an enum value not in the answer is a value error', () => {
    expect(checkBfcl('live_simple', entry, calls('[{"name": "thermostat.set", "arguments": {"room": "living room", "celsius": 21}}]')).error_type).toBe('value_error:others');
    const one = '{"name": "thermostat.set", "arguments": {"room": "living room", "celsius": 21.5}}';
    expect(checkBfcl('live_simple', entry, calls(`[${one}, ${one}]`)).error_type).toBe('simple_function_checker:wrong_count');
    expect(checkBfcl('live_simple', entry, calls('[{"name": "thermostat.set", "arguments": {"room": "living room", "celsius": 21.5, "mode": "heat"}}]')).error_type).toBe(
      'value_error:string',
    );
  });

  it('live_multiple: exactly one call, to the expected one of the offered functions', () => {
    const offered = question.replace(
      '"function": [',
      '"function": [{"name": "lights.set", "description": "Dim the lights.", "parameters": {"type": "dict", "required": ["room"], "properties": {"room": {"type": "string", "description": "Room."}}}}, ',
    );
    const multiple = entryOf(offered, answer);
    expect(checkBfcl('live_multiple', multiple, calls('[{"name": "thermostat.set", "arguments": {"room": "bedroom", "celsius": 21.5}}]')).error_type).toBe('value_error:string');
    expect(checkBfcl('live_multiple', multiple, calls('[{"name": "lights.set", "arguments": {"room": "living room"}}]')).error_type).toBe('simple_function_checker:wrong_func_name');
    expect(checkBfcl('live_multiple', multiple, calls('[]')).error_type).toBe('multiple_function_checker:wrong_count');
  });
});

describe('parallel_multiple and live_parallel_multiple: the parallel checker over several offered functions', () => {
  const question = `{"id": "parallel_multiple_900", "question": [[{"role": "user", "content": "Weather in Paris and Oslo, and the time in Tokyo."}]], "function": [
    {"name": "weather.get", "description": "Weather.", "parameters": {"type": "dict", "properties": {"city": {"type": "string", "description": "City."}, "days": {"type": "integer", "description": "Days."}}, "required": ["city"]}},
    {"name": "time.get", "description": "Time.", "parameters": {"type": "dict", "properties": {"city": {"type": "string", "description": "City."}}, "required": ["city"]}}]}`.replaceAll('\n', '');
  // Answer 0 accepts 1 or 2 days, answer 1 only 2: a call with days 2 fits both (the greedy trap).
  const answer = `{"id": "parallel_multiple_900", "ground_truth": [{"weather.get": {"city": ["Paris"], "days": [1, 2]}}, {"time.get": {"city": ["Tokyo"]}},
    {"weather.get": {"city": ["Paris"], "days": [2]}}]}`.replaceAll('\n', '');
  const entry = entryOf(question, answer, 'parallel_multiple');
  const paris1 = '{"name": "weather.get", "arguments": {"city": "Paris", "days": 1}}';
  const paris2 = '{"name": "weather.get", "arguments": {"city": "Paris", "days": 2}}';
  const tokyo = '{"name": "time.get", "arguments": {"city": "Tokyo"}}';

  it.each(['parallel_multiple', 'live_parallel_multiple'])('%s: every expected call matched once, in any order, each against its own function', (category) => {
    expect(checkBfcl(category, entry, calls(`[${tokyo}, ${paris1}, ${paris2}]`)).valid).toBe(true);
    expect(checkBfcl(category, entry, calls(`[${paris1}, ${paris2}, ${tokyo}]`)).valid).toBe(true);
    expect(checkBfcl(category, entry, calls(`[${paris1}, ${tokyo}]`)).error_type).toBe('parallel_function_checker_no_order:wrong_count');
    // time.get for Paris fits no answer: answer 1 (time.get Tokyo) finds no call.
    expect(checkBfcl(category, entry, calls(`[${paris1}, ${paris2}, ${tokyo.replace('Tokyo', 'Paris')}]`)).error_type).toBe('parallel_function_checker_no_order:cannot_find_match');
  });

  it('pairs greedily as BFCL does: answer 0 takes the first call that fits (days 2), leaving days 1 for answer 2, which wants 2', () => {
    const trapped = checkBfcl('parallel_multiple', entry, calls(`[${paris2}, ${tokyo}, ${paris1}]`));
    expect([trapped.valid, trapped.error_type, trapped.errors[0]]).toEqual([
      false,
      'parallel_function_checker_no_order:cannot_find_match',
      'Could not find a matching function among index [2] of model output for index 2 of possible answers.',
    ]);
    expect(checkBfcl('parallel_multiple', entry, calls(`[${paris2}, ${tokyo}, ${paris1}]`), { parallelMatching: 'maximum' }).valid).toBe(true);
  });
});

describe('live_irrelevance and live_relevance', () => {
  const withFunction = entryOf(
    '{"id": "live_relevance_900-0-0", "question": [[{"role": "user", "content": "Find me a pizza place."}]], "function": [{"name": "places.search", "description": "Search places.", "parameters": {"type": "dict", "properties": {"query": {"type": "string", "description": "Query."}}, "required": ["query"]}}]}',
    undefined,
    'live_relevance',
  );

  it('live_relevance: any decoded call passes (wrong arguments, an unknown name, no arguments); no possible answer is needed', () => {
    expect(checkBfcl('live_relevance', withFunction, calls('[{"name": "places.search", "arguments": {"query": "pizza"}}]')).valid).toBe(true);
    expect(checkBfcl('live_relevance', withFunction, calls('[{"name": "places.search", "arguments": {"limit": 3}}]')).valid).toBe(true);
    expect(checkBfcl('live_relevance', withFunction, calls('[{"name": "not_offered", "arguments": {}}]')).valid).toBe(true);
  });

  it("live_relevance: no call fails with BFCL's relevance error (its message ends with the decoding error, None here)", () => {
    expect(checkBfcl('live_relevance', withFunction, [])).toEqual({
      valid: false,
      error_type: 'relevance_error:decoder_failed',
      errors: ['Invalid syntax. Failed to decode AST when it should have. None'],
    });
    expect(checkRelevance([])).toEqual(checkBfcl('live_relevance', withFunction, []));
  });

  it('live_irrelevance: no call passes, any call fails, also for an entry that offers no function at all', () => {
    const none = entryOf('{"id": "live_irrelevance_900-0-0", "question": [[{"role": "user", "content": "hi"}]], "function": []}', undefined, 'live_irrelevance');
    expect(none.functions).toEqual([]);
    expect(checkBfcl('live_irrelevance', none, []).valid).toBe(true);
    expect(checkBfcl('live_irrelevance', none, calls('[{"name": "anything", "arguments": {}}]')).error_type).toBe('irrelevance_error:decoder_success');
    expect(checkBfcl('live_irrelevance', withFunction, calls('[{"name": "places.search", "arguments": {"query": "pizza"}}]')).error_type).toBe(
      'irrelevance_error:decoder_success',
    );
  });
});
