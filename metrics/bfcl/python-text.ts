// Python's string semantics where BFCL's Java and JavaScript type converters depend on them:
// `re` patterns (Unicode \d \w \s, `.` that stops only at "\n", `$` that also matches before a
// final "\n"), str.strip(), slicing by code point, and int() and float() on text (surrounding
// whitespace, "_" between digits, any Unicode decimal digit, "inf" and "nan").

/** The characters Python's str.isspace() accepts: `\s` in a pattern, and what strip(), int() and float() skip. */
const SPACE = String.raw`\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
/** Python's `\w` on str: str.isalnum() or "_". */
const WORD = String.raw`[\p{L}\p{N}_]`;
/** Python's `\d` on str: any Unicode decimal digit (category Nd). */
const DIGIT = String.raw`\p{Nd}`;

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');

/**
 * A Python `re` pattern as a JavaScript RegExp with the same matches. Translated: `\s` `\d` `\w`
 * `\b` to their Unicode meanings, `.` to "anything but \n" (anything at all with `dotAll`), `$`
 * to "at the end, or before a final \n", and escapes JavaScript's `u` mode refuses (`\"`) to the
 * bare character. Character classes are copied as written (BFCL's have no \s \d \w inside).
 * `anchored` is re.match (the match must start at 0); `global` is for findall and sub.
 */
export function pyPattern(source: string, options: { dotAll?: boolean; anchored?: boolean; global?: boolean } = {}): RegExp {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[++i]!;
      if (next === 's') out += `[${SPACE}]`;
      else if (next === 'd') out += DIGIT;
      else if (next === 'w') out += WORD;
      else if (next === 'b') out += `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
      else if (JS_SYNTAX.has(next) || /[A-Za-z0-9]/.test(next)) out += `\\${next}`;
      else out += next;
    } else if (char === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end + 1);
      i = end;
    } else if (char === '.') {
      out += options.dotAll ? '[^]' : '[^\\n]';
    } else if (char === '$') {
      out += '(?=\\n?$)';
    } else {
      out += char;
    }
  }
  return new RegExp(options.anchored ? `^(?:${out})` : out, options.global ? 'gu' : 'u');
}

/** The index of the `]` that closes the class opening at `start` (a `]` first in the class is literal). */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  throw new SyntaxError(`unterminated character class in ${source}`);
}

/** Python's re.findall: each match's one group, or its groups as a tuple when there are several. */
export function pyFindAll(pattern: RegExp, text: string): (string | string[])[] {
  return [...text.matchAll(pattern)].map((m) => (m.length === 2 ? (m[1] ?? '') : m.slice(1).map((g) => g ?? '')));
}

/** Python's str.strip(): whitespace, or else every character of `chars`, from both ends. */
export function pyStrip(text: string, chars?: string): string {
  const strip = chars === undefined ? (c: string) => SPACE_CHAR.test(c) : (c: string) => chars.includes(c);
  const points = Array.from(text);
  let start = 0;
  let end = points.length;
  while (start < end && strip(points[start]!)) start++;
  while (end > start && strip(points[end - 1]!)) end--;
  return points.slice(start, end).join('');
}

const SPACE_CHAR = new RegExp(`^[${SPACE}]$`, 'u');

/** Python's `text[start:end]`, by code point, negative indices counting from the end. */
export function pySlice(text: string, start: number, end?: number): string {
  return Array.from(text).slice(start, end).join('');
}

const INT_TEXT = new RegExp(`^[${SPACE}]*([+-]?)(${DIGIT}+(?:_${DIGIT}+)*)[${SPACE}]*$`, 'u');
const FLOAT_TEXT = new RegExp(
  `^[${SPACE}]*([+-]?)(?:(inf|infinity|nan)|(${DIGIT}+(?:_${DIGIT}+)*)?(?:\\.(${DIGIT}+(?:_${DIGIT}+)*)?)?(?:e([+-]?${DIGIT}+(?:_${DIGIT}+)*))?)[${SPACE}]*$`,
  'iu',
);

/** Python's int(text) in base 10, or null where it raises ValueError. */
export function pyInt(text: string): bigint | null {
  const match = INT_TEXT.exec(text);
  if (!match) return null;
  return BigInt(`${match[1] === '-' ? '-' : ''}${asciiDigits(match[2]!)}`);
}

/** Python's float(text), or null where it raises ValueError. */
export function pyFloat(text: string): number | null {
  const match = FLOAT_TEXT.exec(text);
  if (!match) return null;
  const [, sign, special, whole, fraction, exponent] = match;
  if (special !== undefined) return special.toLowerCase() === 'nan' ? Number.NaN : sign === '-' ? -Infinity : Infinity;
  if (whole === undefined && fraction === undefined) return null;
  return Number(`${sign}${asciiDigits(whole ?? '0')}.${asciiDigits(fraction ?? '0')}e${asciiDigits(exponent ?? '0')}`);
}

const DECIMAL = new RegExp(`^${DIGIT}$`, 'u');

/**
 * Digits of any script as ASCII, "_" dropped. Unicode lays out each script's decimal digits as
 * runs of ten in order 0-9, so a digit's value is its distance from the start of its run, mod 10.
 */
function asciiDigits(digits: string): string {
  let out = '';
  for (const char of digits) {
    if (char === '_') continue;
    let code = char.codePointAt(0)!;
    if (code < 0x80) {
      out += char;
      continue;
    }
    const own = code;
    while (DECIMAL.test(String.fromCodePoint(code - 1))) code--;
    out += String((own - code) % 10);
  }
  return out;
}

/** Sets a key as Python's `d[key] = value` does: a repeated key keeps its first position; "__proto__" is an ordinary key. */
export function pyDictSet<V>(dict: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
}
