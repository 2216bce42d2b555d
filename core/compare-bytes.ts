// One tie order for every sorted list whose order must match a C tool's (trec_eval) byte for byte.

/**
 * C strcmp order. UTF-8 byte order is code point order, which UTF-16 `<` breaks only for astral
 * characters; on text decoded as latin1 (one code unit per byte) this is plain byte order.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}
