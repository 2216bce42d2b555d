// Comparison rules shared by the text and tool-call scorers, so "2,480" in an answer meets
// "2480" in an expectation and "./docs/setup.md" meets "docs/setup.md".

/**
 * Lower case (unless `caseSensitive`), thousands separators between digits removed, runs of white
 * space collapsed and the ends trimmed (unless `whitespace` is false).
 */
export function normalizeText(text: string, options: { caseSensitive?: boolean; whitespace?: boolean } = {}): string {
  const cased = options.caseSensitive ? text : text.toLowerCase();
  const unseparated = cased.replace(/(\d),(?=\d{3}\b)/g, '$1');
  return options.whitespace === false ? unseparated : unseparated.replace(/\s+/g, ' ').trim();
}

/** A string that reads as a plain decimal number: "42", "-3.5", " 1e3 ". Not "", "0x10", "1,000". */
const NUMERIC_STRING = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Equality of an expected argument value and an actual one, lenient on case, spacing and paths.
 *
 * Types must agree, with one exception: a number meets a string that reads as a number (models
 * often send "2" for 2), and two numbers are equal within a relative tolerance of 1e-9. So 0 does
 * not meet null, "", false or [], and 1 does not meet true.
 */
export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' || typeof actual === 'number') {
    const a = asNumber(expected);
    const b = asNumber(actual);
    if (a === null || b === null) return false;
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  }
  if (typeof expected === 'string' && typeof actual === 'string') return normalizeValue(expected) === normalizeValue(actual);
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((e, i) => valuesMatch(e, actual[i]));
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].every((k) => valuesMatch(expected[k], actual[k]));
  }
  return expected === actual;
}

/** A number, or a string that reads as one, as a number; anything else null. */
function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC_STRING.test(value.trim())) return Number(value.trim());
  return null;
}

function normalizeValue(value: string): string {
  return normalizeText(value).replace(/^\.\//, '').replace(/\/+$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
