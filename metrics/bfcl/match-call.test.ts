// One call against one expected call, rule by rule, on hand-worked cases (the first is the
// README's worked example 1, simple_python_0). Arguments are written as JSON text and read as
// Python would, so `5` is an int and `5.0` a float.

import { describe, expect, it } from 'vitest';
import { checkCall } from './match-call.ts';
import { parsePythonJson } from '../../datasets/bfcl/parse.ts';
import { type DecodedCall, FunctionDoc, type GroundTruthCall, PossibleAnswer } from '../../datasets/bfcl/types.ts';

const doc = (json: string): FunctionDoc => FunctionDoc.parse(parsePythonJson(json));
const answer = (name: string, params: string): GroundTruthCall =>
  PossibleAnswer.parse({ id: 'x', ground_truth: [{ [name]: parsePythonJson(params) }] }).ground_truth[0]!;
const call = (name: string, args: string): DecodedCall => ({ name, arguments: parsePythonJson(args) as DecodedCall['arguments'] });

const triangle = doc(`{"name": "calculate_triangle_area", "description": "Area of a triangle.", "parameters": {"type": "dict",
  "properties": {"base": {"type": "integer"}, "height": {"type": "integer"}, "unit": {"type": "string"}}, "required": ["base", "height"]}}`);
const triangleAnswer = answer('calculate_triangle_area', '{"base": [10], "height": [5], "unit": ["units", ""]}');
const errorType = (args: string, name = 'calculate_triangle_area') => checkCall(triangle, call(name, args), triangleAnswer).error_type;

describe('checkCall on simple_python_0 (README worked example 1)', () => {
  it('accepts the optional unit omitted, since "" is among its values', () => {
    expect(checkCall(triangle, call('calculate_triangle_area', '{"base": 10, "height": 5}'), triangleAnswer)).toEqual({ valid: true, error_type: null, errors: [] });
  });

  it('accepts "UNITS" (case is normalised away) and an explicit ""', () => {
    expect(errorType('{"base": 10, "height": 5, "unit": "UNITS"}')).toBeNull();
    expect(errorType('{"base": 10, "height": 5, "unit": ""}')).toBeNull();
  });

  it('rejects a string "5" and a float 5.0 for an integer: type_error:simple', () => {
    expect(errorType('{"base": 10, "height": "5", "unit": "units"}')).toBe('type_error:simple');
    const float = checkCall(triangle, call('calculate_triangle_area', '{"base": 10, "height": 5.0, "unit": "units"}'), triangleAnswer);
    expect(float).toEqual({
      valid: false,
      error_type: 'type_error:simple',
      errors: ["Incorrect type for parameter 'height'. Expected type integer, got float. Parameter value: 5.0."],
    });
  });

  it('rejects a bool for an integer (True is not 1 to the type check)', () => {
    expect(errorType('{"base": 10, "height": true}')).toBe('type_error:simple');
  });

  it('fails a missing required param, an unknown param, a wrong string and a re-cased name, each with its error type', () => {
    expect(errorType('{"base": 10, "unit": "units"}')).toBe('simple_function_checker:missing_required');
    expect(errorType('{"base": 10, "height": 5, "unit": "units", "unexpected_extra_param": "value"}')).toBe('simple_function_checker:unexpected_param');
    expect(errorType('{"base": 10, "height": 5, "unit": "units Extra"}')).toBe('value_error:string');
    expect(errorType('{"base": 10, "height": 5}', 'Calculate_triangle_area')).toBe('simple_function_checker:wrong_func_name');
  });

  it('reports the first failure in the call\'s argument order', () => {
    // height's type error comes before the unknown param because height is given first.
    expect(errorType('{"base": 10, "height": 5.0, "zzz": 1}')).toBe('type_error:simple');
    expect(errorType('{"zzz": 1, "base": 10, "height": 5.0}')).toBe('simple_function_checker:unexpected_param');
  });
});

describe('checkCall rules', () => {
  const area = doc(`{"name": "geometry.area_circle", "description": "d", "parameters": {"type": "dict",
    "properties": {"radius": {"type": "float"}, "units": {"type": "string"}, "precise": {"type": "boolean"}}, "required": ["radius"]}}`);

  it('accepts an int where a float is expected, and compares 5 with 5.0 as Python does', () => {
    const expected = answer('geometry.area_circle', '{"radius": [5.0], "units": ["cm", ""], "precise": [""]}');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5}'), expected).valid).toBe(true);
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5.0}'), expected).valid).toBe(true);
    // The int is converted to a float before the value check, so the message shows 4.0.
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 4}'), expected).errors).toEqual([
      "Invalid value for parameter 'radius': 4.0. Expected one of [5.0]."
    ]);
  });

  it('rejects a schema param the possible answer does not list (unexpected_param), even a valid-looking one', () => {
    const expected = answer('geometry.area_circle', '{"radius": [5.0]}');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5.0, "units": "cm"}'), expected).error_type).toBe('simple_function_checker:unexpected_param');
  });

  it('treats a listed value without "" as one that must be given, even for a schema-optional param (missing_optional)', () => {
    const expected = answer('geometry.area_circle', '{"radius": [5.0], "units": ["cm"]}');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5.0}'), expected)).toEqual({
      valid: false,
      error_type: 'simple_function_checker:missing_optional',
      errors: ["Optional parameter 'units' not provided and not marked as optional."],
    });
  });

  it('with underscoreToDot, expects "geometry_area_circle" and no longer the dotted name', () => {
    const expected = answer('geometry.area_circle', '{"radius": [5.0]}');
    const dotted = call('geometry.area_circle', '{"radius": 5.0}');
    const underscored = call('geometry_area_circle', '{"radius": 5.0}');
    expect([checkCall(area, dotted, expected).valid, checkCall(area, underscored, expected).valid]).toEqual([true, false]);
    expect([checkCall(area, dotted, expected, { underscoreToDot: true }).error_type, checkCall(area, underscored, expected, { underscoreToDot: true }).valid]).toEqual([
      'simple_function_checker:wrong_func_name',
      true,
    ]);
  });

  it('compares "variable" answers (a string where the schema says float) by plain equality', () => {
    const expected = answer('geometry.area_circle', '{"radius": ["r_value"]}');
    // A string is accepted for the float because the answer is a string; no normalisation then.
    expect(checkCall(area, call('geometry.area_circle', '{"radius": "r_value"}'), expected).valid).toBe(true);
    expect(checkCall(area, call('geometry.area_circle', '{"radius": "R_VALUE"}'), expected).error_type).toBe('value_error:others');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 2.5}'), expected).error_type).toBe('value_error:others');
  });

  it('checks booleans by value: false is not true (value_error:others)', () => {
    const expected = answer('geometry.area_circle', '{"radius": [5.0], "precise": [true]}');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5.0, "precise": false}'), expected).error_type).toBe('value_error:others');
    expect(checkCall(area, call('geometry.area_circle', '{"radius": 5.0, "precise": "true"}'), expected).error_type).toBe('type_error:simple');
  });
});
