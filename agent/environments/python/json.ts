// Python's json.loads and json.dumps, as τ-bench uses them. loads keeps what JSON.parse loses:
// a number written with a fraction or exponent is a float even when integral (100.0), dicts keep
// their key order whatever the keys look like. dumps writes exactly what Python's default
// json.dumps writes: ", " and ": " separators, non-ASCII escaped as \uXXXX, floats as repr().

import { floatRepr } from './repr.ts';
import { PyFloat, float, type PyDict, type PyValue } from './value.ts';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface ParseOptions {
  /** Receives the offset where each element of a top-level array starts, for messages naming a line. */
  onTopLevelElement?: (offset: number) => void;
}

/** json.loads(text): dicts as Maps, floats as PyFloat, ints as numbers (bigints past 2^53). */
export function parsePyJson(text: string, options: ParseOptions = {}): PyValue {
  const parser = new Parser(text, options.onTopLevelElement);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos < text.length) parser.fail('Extra data');
  return value;
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly onTopLevelElement?: (offset: number) => void,
  ) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`${message}: line ${line} column ${column} (char ${this.pos})`, this.pos);
  }

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  value(depth: number): PyValue {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    if (this.text.startsWith('NaN', this.pos)) return (this.pos += 3), float(NaN);
    if (this.text.startsWith('Infinity', this.pos)) return (this.pos += 8), float(Infinity);
    return this.fail('Expecting value');
  }

  object(depth: number): PyDict {
    const out: PyDict = new Map();
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) return this.pos++, out;
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expecting property name enclosed in double quotes');
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expecting ':' delimiter");
      this.pos++;
      this.skipWhitespace();
      // A repeated key keeps its first position and takes the last value, as a Python dict does.
      out.set(key, this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("Expecting ',' delimiter");
      }
      this.skipWhitespace();
    }
  }

  array(depth: number): PyValue[] {
    const out: PyValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) return this.pos++, out;
    for (;;) {
      if (depth === 0) this.onTopLevelElement?.(this.pos);
      out.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("Expecting ',' delimiter");
      }
      this.skipWhitespace();
    }
  }

  number(): PyValue {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === 0x2d) {
      p++;
      if (t.startsWith('Infinity', p)) return (this.pos = p + 8), float(-Infinity);
    }
    const digitsFrom = p;
    while (isDigit(t.charCodeAt(p))) p++;
    if (p === digitsFrom) return (this.pos = start), this.fail('Expecting value');
    // A leading zero ends the integer part, as in Python ("012" is 0 followed by extra data).
    if (t.charCodeAt(digitsFrom) === 0x30 && p > digitsFrom + 1) p = digitsFrom + 1;
    let isFloat = false;
    if (t.charCodeAt(p) === 0x2e && isDigit(t.charCodeAt(p + 1))) {
      isFloat = true;
      p += 2;
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const e = t.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      let q = p + 1;
      const sign = t.charCodeAt(q);
      if (sign === 0x2b || sign === 0x2d) q++;
      if (isDigit(t.charCodeAt(q))) {
        isFloat = true;
        while (isDigit(t.charCodeAt(q))) q++;
        p = q;
      }
    }
    this.pos = p;
    const literal = t.slice(start, p);
    if (isFloat) return new PyFloat(Number(literal));
    const n = Number(literal);
    return Number.isSafeInteger(n) ? n : BigInt(literal);
  }

  string(): string {
    const t = this.text;
    let p = this.pos + 1;
    let out = '';
    let chunk = p;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        out += t.slice(chunk, p);
        this.pos = p + 1;
        return out;
      }
      if (Number.isNaN(c)) return this.fail('Unterminated string starting at');
      if (c < 0x20) return (this.pos = p), this.fail('Invalid control character at');
      if (c === 0x5c) {
        out += t.slice(chunk, p);
        const esc = t[p + 1];
        const simple = esc === undefined ? undefined : ESCAPES[esc];
        if (simple !== undefined) {
          out += simple;
          p += 2;
        } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(p + 2, p + 6))) {
          out += String.fromCharCode(Number.parseInt(t.slice(p + 2, p + 6), 16));
          p += 6;
        } else {
          this.pos = p;
          this.fail(esc === 'u' ? 'Invalid \\uXXXX escape' : 'Invalid \\escape');
        }
        chunk = p;
        continue;
      }
      p++;
    }
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

// ---- dumps ---------------------------------------------------------------------------------

// Python's ESCAPE_ASCII is ([\\"]|[^\ -~]): everything outside space..tilde is escaped, DEL included.
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/;

/** json.dumps(value) with Python's defaults (ensure_ascii, allow_nan, no indent, no key sorting). */
export function pyJsonDumps(v: PyValue): string {
  const parts: string[] = [];
  write(v, parts);
  return parts.join('');
}

function write(v: PyValue, out: string[]): void {
  if (v === null) out.push('null');
  else if (v === true) out.push('true');
  else if (v === false) out.push('false');
  else if (typeof v === 'string') out.push(dumpString(v));
  else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
  else if (v instanceof PyFloat) out.push(dumpFloat(v.value));
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(', ');
      write(v[i]!, out);
    }
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [k, item] of v) {
      if (!first) out.push(', ');
      first = false;
      out.push(dumpString(k), ': ');
      write(item, out);
    }
    out.push('}');
  }
}

function dumpFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

/** A JSON string literal as Python writes it with ensure_ascii: lowercase \uXXXX, surrogates as pairs. */
export function dumpString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out + '"';
}
