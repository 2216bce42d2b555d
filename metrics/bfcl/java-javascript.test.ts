// simple_java and simple_javascript, whole outputs on hand-made entries in BFCL's file formats
// (a question line, a possible-answer line, decoded calls), each verdict worked out from BFCL's
// ast_checker.simple_function_checker: for Java and JavaScript every argument must be a string
// (else type_error:java / type_error:js), which BFCL's converter turns into a value by the
// parameter's type (java-types.ts, javascript-types.ts); the Python type and value checks follow,
// with no int→float step. Messages are BFCL's wording.

import { describe, expect, it } from 'vitest';
import { checkBfcl } from './match-calls.ts';
import { parsePossibleAnswers, parsePythonJson, parseQuestions } from '../../datasets/bfcl/parse.ts';
import type { BfclEntry } from './match-calls.ts';
import type { BfclVerdict, DecodedCall } from '../../datasets/bfcl/types.ts';

function entry(category: string, question: string, answer: string): BfclEntry {
  const q = parseQuestions(question, `BFCL_v4_${category}.json`, category);
  const a = parsePossibleAnswers(answer, `possible_answer/BFCL_v4_${category}.json`);
  const [id] = q.keys();
  return { functions: q.get(id!)!.value.function, groundTruth: a.get(id!)!.value.ground_truth };
}

/** One call with these arguments (JSON text, read as Python reads it). */
const one = (name: string, args: string): DecodedCall[] => [{ name, arguments: parsePythonJson(args) as DecodedCall['arguments'] }];
const failure = (v: BfclVerdict) => [v.error_type, ...v.errors];

describe('simple_java', () => {
  const report = entry(
    'simple_java',
    JSON.stringify({
      id: 'simple_java_h1',
      question: [[{ role: 'user', content: 'Build the Q1 sales report from salesData, 50 rows, region and revenue columns.' }]],
      function: [
        {
          name: 'Report.build',
          description: 'Builds a report.',
          parameters: {
            type: 'dict',
            properties: {
              source: { type: 'any', description: 'The data source object.' },
              limit: { type: 'integer', description: 'Maximum rows.' },
              offset: { type: 'integer', description: 'First row.' },
              total: { type: 'long', description: 'Expected total.' },
              ratio: { type: 'float', description: 'Sampling ratio.' },
              scale: { type: 'double', description: 'Scale.' },
              verbose: { type: 'boolean', description: 'Verbose output.' },
              columns: { type: 'ArrayList', items: { type: 'String' }, description: 'Columns.' },
              labels: { type: 'Array', items: { type: 'String' }, description: 'Labels.' },
              weights: { type: 'Array', items: { type: 'integer' }, description: 'Weights.' },
              options: { type: 'HashMap', description: 'Options.' },
              title: { type: 'String', description: 'Title.' },
            },
            required: ['source', 'limit', 'columns'],
          },
        },
      ],
    }),
    // Written as BFCL writes it: 2.0 is a float (JSON.stringify would write 2).
    `{"id": "simple_java_h1", "ground_truth": [{"Report.build": {"source": ["salesData"], "limit": [50], "offset": ["startIndex", ""],
      "total": [1000, ""], "ratio": [0.5, ""], "scale": [2.0, ""], "verbose": [true, ""], "columns": [["region", "revenue"]],
      "labels": [["north", "south"], ""], "weights": [[1, 2]], "options": [{"format": ["csv"], "header": [true]}, ""], "title": ["Q1 Sales", ""]}}]}`.replaceAll('\n', ''),
  );
  const minimal = {
    source: '"salesData"',
    limit: '"50"',
    columns: '"new ArrayList<>(Arrays.asList(\\"region\\", \\"revenue\\"))"',
    weights: '"new int[]{1, 2}"',
  };
  const call = (overrides: Record<string, string> = {}, drop: string[] = []) => {
    const args = Object.entries({ ...minimal, ...overrides }).filter(([k]) => !drop.includes(k));
    return checkBfcl('simple_java', report, one('Report.build', `{${args.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`));
  };

  it('passes Java source text converted by type: integer "50", ArrayList of String (quotes taken off), Array of integer; omitted optionals allow ""', () => {
    expect(call()).toEqual({ valid: true, error_type: null, errors: [] });
  });

  it('passes every optional given in its Java form: 1000L, 0.5f, 2.0, true, a HashMap, a String normalised like Python\'s', () => {
    expect(
      call({
        total: '"1000L"',
        ratio: '"0.5f"',
        scale: '"2.0"',
        verbose: '"true"',
        options: '"new HashMap<String, Object>() {{ put(\\"format\\", \\"CSV\\"); put(\\"header\\", true); }}"',
        title: '"q1-sales"',
        labels: '"new String[]{north, south}"',
      }).valid,
    ).toBe(true);
  });

  it('any non-string argument fails before conversion: type_error:java', () => {
    expect(failure(call({ limit: '50' }))).toEqual(['type_error:java', "Incorrect type for parameter 'limit'. Expected type String, got int. Parameter value: 50."]);
    expect(call({ verbose: 'true' }).error_type).toBe('type_error:java');
  });

  it('text without the Java form of its type stays a string and fails the type check (50L for integer, 1000 for long, 0.5 for float, 2.0f for double, True for boolean)', () => {
    expect(failure(call({ limit: '"50L"' }))).toEqual(['type_error:simple', "Incorrect type for parameter 'limit'. Expected type integer, got str. Parameter value: '50L'."]);
    expect(failure(call({ total: '"1000"' }))).toEqual(['type_error:simple', "Incorrect type for parameter 'total'. Expected type long, got str. Parameter value: '1000'."]);
    expect(call({ ratio: '"0.5"' }).error_type).toBe('type_error:simple');
    expect(call({ scale: '"2.0f"' }).error_type).toBe('type_error:simple');
    expect(call({ verbose: '"True"' }).error_type).toBe('type_error:simple');
  });

  it('a variable (an integer parameter whose answer is a string) passes its name as text, compared exactly', () => {
    expect(call({ offset: '"startIndex"' }).valid).toBe(true);
    expect(failure(call({ offset: '"StartIndex"' }))).toEqual(['value_error:others', "Invalid value for parameter 'offset': 'StartIndex'. Expected one of ['startIndex', '']."]);
  });

  it('an Array of String keeps the quotes of its elements, so quoted elements fail the value check (BFCL quirk)', () => {
    expect(failure(call({ labels: '"new String[]{\\"north\\", \\"south\\"}"' }))).toEqual([
      'value_error:list/tuple',
      `Invalid value for parameter 'labels': ['"north"', '"south"']. Expected one of [['north', 'south'], ''].`,
    ]);
  });

  it('an element without its item type\'s form fails the nested type check', () => {
    expect(failure(call({ weights: '"new int[]{1, x}"' }))).toEqual([
      'type_error:nested',
      "Nested type checking failed for parameter 'weights'. Expected outer type Array with inner type <class 'int'>. Parameter value: [1, 'x'].",
    ]);
  });

  it('a HashMap key the answer does not have fails; a parameter whose answer lacks "" must be given', () => {
    expect(failure(call({ options: '"new HashMap<>() {{ put(\\"format\\", \\"csv\\"); put(\\"header\\", true); put(\\"sep\\", \\";\\"); }}"' }))).toEqual([
      'value_error:dict_key',
      "Unexpected dict key parameter: 'sep'.",
    ]);
    expect(failure(call({}, ['weights']))).toEqual(['simple_function_checker:missing_optional', "Optional parameter 'weights' not provided and not marked as optional."]);
  });

  it('names, required parameters and the count are checked as for Python (dots as underscores with underscore_to_dot)', () => {
    expect(checkBfcl('simple_java', report, one('Report_build', '{}'), { underscoreToDot: true }).error_type).toBe('simple_function_checker:missing_required');
    expect(call({}, ['limit']).error_type).toBe('simple_function_checker:missing_required');
    expect(checkBfcl('simple_java', report, []).error_type).toBe('simple_function_checker:wrong_count');
  });
});

describe('simple_javascript', () => {
  const plot = entry(
    'simple_javascript',
    JSON.stringify({
      id: 'simple_javascript_h1',
      question: [[{ role: 'user', content: 'Plot (60, 30) on chartArea.' }]],
      function: [
        {
          name: 'plotPoints',
          description: 'Plots points on a canvas.',
          parameters: {
            type: 'dict',
            properties: {
              canvasId: { type: 'String', description: 'Canvas element id.' },
              points: { type: 'array', items: { type: 'float' }, description: 'x and y.' },
              count: { type: 'integer', description: 'How many.' },
              seed: { type: 'Bigint', description: 'Random seed.' },
              animate: { type: 'Boolean', description: 'Animate.' },
              // BFCL's own data has a property typed "" inside a dict (simple_javascript_23): nothing reads it.
              style: { type: 'dict', properties: { color: { type: 'String' }, width: { type: '' } }, description: 'Style.' },
              onDone: { type: 'any', description: 'Callback.' },
            },
            required: ['canvasId', 'points'],
          },
        },
      ],
    }),
    JSON.stringify({
      id: 'simple_javascript_h1',
      ground_truth: [
        {
          plotPoints: {
            canvasId: ['chartArea'],
            points: [[60, 30]],
            count: [3, ''],
            seed: [42, ''],
            animate: [true, ''],
            style: [{ color: ['red'], width: [2, ''] }, ''],
            onDone: ['handleDone', ''],
          },
        },
      ],
    }),
  );
  const call = (args: Record<string, unknown>) => checkBfcl('simple_javascript', plot, [{ name: 'plotPoints', arguments: args as DecodedCall['arguments'] }]);

  it('passes a quoted String and an array of floats written as integers ([60, 30] reads as 60.0, 30.0, equal to 60 and 30)', () => {
    expect(call({ canvasId: "'chartArea'", points: '[60, 30]' })).toEqual({ valid: true, error_type: null, errors: [] });
  });

  it('passes every optional in its JavaScript form: "3", "42n", "true", a dict literal (values normalised), a name for any', () => {
    expect(call({ canvasId: 'chartArea', points: 'new Array(60, 30)', count: '3', seed: '42n', animate: 'true', style: "{color: 'Red', width: 2}", onDone: 'handleDone' }).valid).toBe(true);
  });

  it('any non-string argument fails before conversion: type_error:js', () => {
    expect(failure(call({ canvasId: 'chartArea', points: '[60, 30]', animate: true }))).toEqual([
      'type_error:js',
      "Incorrect type for parameter 'animate'. Expected type String, got bool. Parameter value: True.",
    ]);
  });

  it('text without its type\'s form stays a string: "42" for Bigint, "3.0" for integer, an array broken by a newline', () => {
    expect(failure(call({ canvasId: 'chartArea', points: '[60, 30]', seed: '42' }))).toEqual([
      'type_error:simple',
      "Incorrect type for parameter 'seed'. Expected type Bigint, got str. Parameter value: '42'.",
    ]);
    expect(call({ canvasId: 'chartArea', points: '[60, 30]', count: '3.0' }).error_type).toBe('type_error:simple');
    expect(failure(call({ canvasId: 'chartArea', points: '[60,\n30]' }))).toEqual([
      'type_error:simple',
      "Incorrect type for parameter 'points'. Expected type array, got str. Parameter value: '[60,\\n30]'.",
    ]);
  });

  it('values are then checked as for Python: a wrong element, an unexpected dict key, mismatched quotes kept in a String', () => {
    expect(call({ canvasId: 'chartArea', points: '[60, 30.5]' }).error_type).toBe('value_error:list/tuple');
    expect(failure(call({ canvasId: 'chartArea', points: '[60, 30]', style: "{color: 'red', size: 2}" }))).toEqual(['value_error:dict_key', "Unexpected dict key parameter: 'size'."]);
    expect(call({ canvasId: `'chartArea"`, points: '[60, 30]' }).error_type).toBe('value_error:string');
  });
});
