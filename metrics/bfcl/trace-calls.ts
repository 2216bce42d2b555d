// The calls of a Lunar Trace as the decoded calls BFCL's checker takes.
//
// Live runs and int/float. BFCL's function-calling handlers decode a tool call's argument text
// with Python's json.loads, so `5.0` stays a float and `5` an int, and the checker's verdicts
// depend on it (the dev verdicts' README: "int vs float must survive JSON parsing"). Lunar's
// providers decode the same text with JSON.parse (agent/providers/tool-calls.ts), after which
// `5.0` and `5` are one JS number. Here an integral number is read as an int and any other as a
// float: what BFCL would see had the model written the shortest form. Against BFCL on the same
// model text, a live run is therefore
// - more lenient where the model wrote an integral float for an integer: `5.0` for an integer
//   parameter (BFCL: type_error:simple) and `[1.0, 2.0]` for an array of integers
//   (type_error:nested) pass here;
// - stricter where it wrote integral floats in an array or tuple of floats: `[1.0, 2.0]` arrives as
//   ints and fails with type_error:nested (BFCL: valid), unless `""` is an acceptable value;
// - the same everywhere else: a float parameter takes `5` or `5.0` alike (an int passes for a
//   float), non-integral numbers are floats either way, and value comparisons use `1 == 1.0`.
// On the dev verdicts, decoding the calls this way flips 157 of 4,689 verdicts: 148 `float_for_int`
// and 8 `array_ints_as_floats` outputs pass, and one correct output with integral floats in a
// float array fails (metrics/bfcl/trace-calls.test.ts). Exact agreement needs the raw argument
// text, parsed with parsePythonJson (datasets/bfcl/parse.ts) instead of JSON.parse.
// simple_java and simple_javascript are unaffected: every argument there is a string of source
// text (BFCL offers each parameter as a string), which the checker converts by type itself.

import type { ToolCallRecord } from '../../agent/trace.ts';
import type { DecodedCall, PyDict, PyValue } from '../../datasets/bfcl/types.ts';

/**
 * The decoded calls, in order, for the checker. Pass the calls of the model turn BFCL judges (a
 * single-turn entry is judged on the first reply's calls only). A call whose argument text did
 * not parse arrives with `{}` arguments; BFCL would instead fail decoding the whole output.
 */
export function bfclCallsFromToolCalls(toolCalls: readonly Pick<ToolCallRecord, 'name' | 'arguments'>[]): DecodedCall[] {
  return toolCalls.map((call, i) => ({ name: call.name, arguments: pythonDict(call.arguments, `toolCalls[${i}].arguments`) }));
}

function pythonDict(value: Record<string, unknown>, path: string): PyDict {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, pythonValue(item, `${path}.${key}`)]));
}

function pythonValue(value: unknown, path: string): PyValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((item, i) => pythonValue(item, `${path}[${i}]`));
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) return pythonDict(value as Record<string, unknown>, path);
  throw new TypeError(`${path}: ${typeof value} is not a JSON value`);
}
