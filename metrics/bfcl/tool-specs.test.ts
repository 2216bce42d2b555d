// BFCL function docs as Lunar tool specs: a hand-worked conversion of every type, and, over the
// whole data, schemas a JSON Schema validator compiles and that BFCL's correct calls satisfy.

import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePythonJson, parseQuestions } from '../../datasets/bfcl/parse.ts';
import { bfclToolSpecs } from './tool-specs.ts';
import { FunctionDoc, functionDocShapeFor } from '../../datasets/bfcl/types.ts';
import { referenceData } from '../../test/reference-data.ts';

const BFCL = referenceData('bfcl', ['BFCL_v4_simple_python.json', 'BFCL_v4_multiple.json', 'BFCL_v4_parallel.json', 'BFCL_v4_irrelevance.json', 'checker_verdicts_dev.jsonl']);

const doc = FunctionDoc.parse(
  parsePythonJson(`{"name": "lab.mix", "description": "Mix samples.", "parameters": {"type": "dict", "properties": {
    "volume": {"type": "float", "description": "Litres.", "default": 1},
    "count": {"type": "integer", "description": "How many.", "optional": true, "maximum": 400},
    "mode": {"type": "string", "enum": ["fast", "slow"]},
    "point": {"type": "tuple", "items": {"type": "float"}},
    "weights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
    "payload": {"type": "any", "description": "Anything."},
    "filters": {"type": "dict", "properties": {"ratio": {"type": "float"}, "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["ratio"]},
    "rows": {"type": "array", "items": {"type": "dict", "properties": {"k": {"type": "boolean"}}}}
  }, "required": ["volume"], "optional": ["count"]}}`),
);

describe('bfclToolSpecs', () => {
  it('maps dict→object, float→number, tuple→array, any→no type, keeps JSON Schema keywords, drops BFCL\'s "optional"', () => {
    expect(bfclToolSpecs([doc])).toEqual([
      {
        name: 'lab.mix',
        description: 'Mix samples.',
        parameters: {
          type: 'object',
          properties: {
            // BFCL's handlers say "float" twice over, since "number" alone reads as "any number".
            volume: { type: 'number', description: 'Litres. This is a float type value.', format: 'float', default: 1 },
            count: { type: 'integer', description: 'How many.', maximum: 400 },
            mode: { type: 'string', enum: ['fast', 'slow'] },
            point: { type: 'array', items: { type: 'number' } },
            weights: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
            payload: { description: 'Anything.' },
            filters: {
              type: 'object',
              properties: { ratio: { type: 'number', description: 'This is a float type value.', format: 'float' }, tags: { type: 'array', items: { type: 'string' } } },
              required: ['ratio'],
            },
            rows: { type: 'array', items: { type: 'object', properties: { k: { type: 'boolean' } } } },
          },
          required: ['volume'],
        },
      },
    ]);
  });

  it('with underscoreToDot, names lose their dots, as the checker then expects', () => {
    expect(bfclToolSpecs([doc], { underscoreToDot: true })[0]!.name).toBe('lab_mix');
  });

  it('gives plain JSON (ints as numbers, no bigint), so a provider can send it', () => {
    const spec = bfclToolSpecs([doc])[0]!;
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it.skipIf(!BFCL.present)('converts all 1,397 functions of the four question files into schemas ajv compiles, which every correct dev output satisfies', () => {
    const ajv = new Ajv({ strictSchema: true, strictRequired: false, strictTypes: false, validateFormats: false });
    const questions = new Map<string, ReturnType<typeof parseQuestions>>();
    let compiled = 0;
    for (const category of ['simple_python', 'multiple', 'parallel', 'irrelevance']) {
      const byId = parseQuestions(readFileSync(BFCL.file(`BFCL_v4_${category}.json`), 'utf8'), category);
      questions.set(category, byId);
      for (const { value } of byId.values()) for (const spec of bfclToolSpecs(value.function)) compiled += ajv.compile(spec.parameters) ? 1 : 0;
    }
    expect(compiled).toBe(1397);

    // The calls BFCL marks valid in their correct forms; other valid forms (e.g. "MEDIUM" for an
    // enum of "medium") pass BFCL's normalisation but not an exact enum, so they are left out.
    const validators = new Map<string, ReturnType<Ajv['compile']>>();
    const failing: string[] = [];
    let checked = 0;
    for (const text of readFileSync(BFCL.file('checker_verdicts_dev.jsonl'), 'utf8').trim().split('\n')) {
      const line = JSON.parse(text) as { category: string; id: string; perturbation: string; valid: boolean; underscore_to_dot: boolean; calls: { name: string; arguments: unknown }[] };
      if (!line.valid || !line.perturbation.startsWith('correct')) continue;
      const specs = bfclToolSpecs(questions.get(line.category)!.get(line.id)!.value.function, { underscoreToDot: line.underscore_to_dot });
      for (const call of line.calls) {
        checked++;
        const key = `${line.id} ${call.name}`;
        if (!validators.has(key)) validators.set(key, ajv.compile(specs.find((s) => s.name === call.name)!.parameters));
        if (!validators.get(key)!(call.arguments)) failing.push(`${line.id} ${line.perturbation}`);
      }
    }
    expect([checked, failing]).toEqual([684, []]);
  });
});

// Java and JavaScript entries as BFCL offers them (utils.py, _func_doc_language_specific_pre_processing):
// the function says which syntax it is in, and every parameter is a string described by its type.
describe('bfclToolSpecs for simple_java and simple_javascript', () => {
  it('Java: every parameter a string naming its Java type; an ArrayList names its item type and loses "items"', () => {
    const java = functionDocShapeFor('java').parse(
      parsePythonJson(`{"name": "Report.build", "description": "Builds a report.", "parameters": {"type": "dict", "properties": {
        "source": {"type": "any", "description": "The data source."},
        "limit": {"type": "integer", "description": "Maximum rows.", "default": 10},
        "columns": {"type": "ArrayList", "items": {"type": "String"}, "description": "Columns."}}, "required": ["source"]}}`),
    );
    expect(bfclToolSpecs([java], { category: 'simple_java', underscoreToDot: true })).toEqual([
      {
        name: 'Report_build',
        description: 'Builds a report. Note that the provided function is in Java 8 SDK syntax.',
        parameters: {
          type: 'object',
          properties: {
            source: { type: 'string', description: 'The data source. This parameter can be of any type of Java object in string representation.' },
            limit: { type: 'string', description: 'Maximum rows. This is Java integer type parameter in string representation.', default: 10 },
            columns: {
              type: 'string',
              description: 'Columns. This is Java ArrayList type parameter in string representation. The list elements are of type String; they are not in string representation.',
            },
          },
          required: ['source'],
        },
      },
    ]);
  });

  it("JavaScript: a dict's property schema goes into its description as Python's json.dumps writes it (ASCII only)", () => {
    const js = functionDocShapeFor('javascript').parse(
      parsePythonJson(`{"name": "plotPoints", "description": "Plots points.", "parameters": {"type": "dict", "properties": {
        "points": {"type": "array", "items": {"type": "float"}, "description": "x and y."},
        "style": {"type": "dict", "description": "Style.", "properties": {"color": {"type": "String", "description": "Colour (\\u00e9), e.g. 'red'."}, "width": {"type": "float", "default": 1.0}}}},
        "required": ["points"]}}`),
    );
    const [spec] = bfclToolSpecs([js], { category: 'simple_javascript' });
    expect(spec!.description).toBe('Plots points. Note that the provided function is in JavaScript syntax.');
    expect(spec!.parameters.properties).toEqual({
      points: {
        type: 'string',
        description: 'x and y. This is JavaScript array type parameter in string representation. The list elements are of type float; they are not in string representation.',
      },
      style: {
        type: 'string',
        description:
          'Style. This is JavaScript dict type parameter in string representation. The dictionary entries have the following schema; they are not in string representation. ' +
          `{"color": {"type": "String", "description": "Colour (\\u00e9), e.g. 'red'."}, "width": {"type": "float", "default": 1.0}}`,
      },
    });
  });

  it('a Python category, or none, is offered as before', () => {
    expect(bfclToolSpecs([doc], { category: 'live_simple' })).toEqual(bfclToolSpecs([doc]));
  });
});
