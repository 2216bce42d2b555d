// Comparison rules shared by the text and tool-call scorers, so "2,480" in an answer meets
// "2480" in an expectation and "./docs/setup.md" meets "docs/setup.md".

/** Lower case, thousands separators between digits removed, runs of white space collapsed. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/\s+/g, ' ').trim();
}

/** Equality of an expected argument value and an actual one, lenient on case, spacing and paths. */
export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' || typeof actual === 'number') {
    const a = Number(expected);
    const b = Number(actual);
    return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
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

function normalizeValue(value: string): string {
  return normalizeText(value).replace(/^\.\//, '').replace(/\/+$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
