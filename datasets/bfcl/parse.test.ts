// Lossless reading: a number token with ".", "e" or "E" is a float, any other an int, as in
// Python's json.loads; bad lines are named by file and line.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { parseOutputs, parsePossibleAnswers, parsePythonJson, parseQuestions } from './parse.ts';

describe('parsePythonJson', () => {
  it('keeps 5 an int and 5.0, 5e0 and 5E-1 floats', () => {
    expect(parsePythonJson('[5, 5.0, 5e0, 5E-1, -0, 12345678901234567890]')).toEqual([5n, 5, 5, 0.5, 0n, 12345678901234567890n]);
  });

  it('keeps the last value of a repeated key, at the first key\'s position (json.loads)', () => {
    const value = parsePythonJson('{"a": 1, "b": 2, "a": 3.5}');
    expect(value).toEqual({ a: 3.5, b: 2n });
    expect(Object.keys(value as object)).toEqual(['a', 'b']);
  });

  it('keeps true apart from 1', () => {
    expect(parsePythonJson('[true, 1]')).toEqual([true, 1n]);
  });
});

describe('parsing BFCL files', () => {
  const question = '{"id": "q1", "question": [], "function": [{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {"x": {"type": "float"}}, "required": ["x"]}}]}';

  it('reads questions and answers by id, with their line numbers, skipping blank lines', () => {
    const questions = parseQuestions(`\n${question}\n`, 'q.json');
    expect(questions.get('q1')?.line).toBe(2);
    const answers = parsePossibleAnswers('{"id": "q1", "ground_truth": [{"f": {"x": [1.0, ""]}}]}\n', 'a.json');
    expect(answers.get('q1')?.value.ground_truth).toEqual([{ name: 'f', params: { x: [1, ''] } }]);
  });

  it('names file, line and field of a bad line', () => {
    expect(() => parseQuestions(`${question}\n{"id": "q2", "question": [], "function": [{"name": "g", "description": "d", "parameters": {"type": "dict", "properties": {"x": {"type": "double"}}}}]}`, 'q.json')).toThrow(
      /^q\.json:2: function\.0\.parameters\.properties\.x\.type: /,
    );
    expect(() => parseOutputs('{"id": "q1", "calls": [{"name": "f", "arguments": {"x": 1,}}]}', 'o.jsonl')).toThrow(/^o\.jsonl:1: \(line\): not valid JSON: /);
    expect(() => parseOutputs('{"id": "q1", "calls": [{"name": "f"}]}', 'o.jsonl')).toThrow(/^o\.jsonl:1: calls\.0\.arguments: /);
    expect(() => parsePossibleAnswers('{"id": "q1", "ground_truth": [{"f": {}, "g": {}}]}', 'a.json')).toThrow(/^a\.json:1: ground_truth\.0: each expected call is an object with exactly one key/);
  });

  it('refuses an array parameter without items, a repeated id, and an empty file', () => {
    const noItems = question.replace('{"type": "float"}', '{"type": "array"}');
    expect(() => parseQuestions(noItems, 'q.json')).toThrow(/^q\.json:1: function\.0\.parameters\.properties\.x\.items: an array or tuple parameter needs "items"/);
    expect(() => parseQuestions(`${question}\n${question}`, 'q.json')).toThrow("q.json:2: id: 'q1' repeats line 1");
    expect(() => parseQuestions('\n', 'q.json')).toThrow(InputError);
  });
});

describe('parseQuestions by category: the types of the category\'s language', () => {
  const java = '{"id": "j1", "question": [], "function": [{"name": "A.b", "description": "d", "parameters": {"type": "dict", "properties": {"m": {"type": "HashMap"}, "xs": {"type": "ArrayList", "items": {"type": "String"}}}, "required": ["m"]}}]}';
  const js = '{"id": "s1", "question": [], "function": [{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {"o": {"type": "dict", "properties": {"issuer": {"type": ""}}}, "n": {"type": "Bigint"}}}}]}';

  it("reads Java's types for simple_java and JavaScript's for simple_javascript (a dict's own properties may have any type name, as in BFCL's data)", () => {
    expect(parseQuestions(java, 'q.json', 'simple_java').get('j1')?.value.function[0]?.parameters.properties.m?.type).toBe('HashMap');
    expect(parseQuestions(js, 'q.json', 'simple_javascript').get('s1')?.value.function[0]?.parameters.properties.n?.type).toBe('Bigint');
  });

  it("refuses another language's types, names the field, and without a category takes Python's", () => {
    expect(() => parseQuestions(java, 'q.json')).toThrow(/^q\.json:1: function\.0\.parameters\.properties\.m\.type: /);
    expect(() => parseQuestions(java, 'q.json', 'simple_javascript')).toThrow(/^q\.json:1: function\.0\.parameters\.properties\.m\.type: /);
    expect(() => parseQuestions(js.replace('"o": {"type": "dict"', '"o": {"type": "HashMap"'), 'q.json', 'simple_javascript')).toThrow(/properties\.o\.type/);
    expect(() => parseQuestions(java.replace('"items": {"type": "String"}', '"description": "no items"'), 'q.json', 'simple_java')).toThrow(
      /^q\.json:1: function\.0\.parameters\.properties\.xs\.items: a Array or ArrayList parameter needs "items"/,
    );
  });

  it('accepts an entry that offers no function (four live_irrelevance entries do)', () => {
    expect(parseQuestions('{"id": "live_irrelevance_1", "question": [], "function": []}', 'q.json', 'live_irrelevance').get('live_irrelevance_1')?.value.function).toEqual([]);
  });
});
