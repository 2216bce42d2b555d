// Evaluating the parsed calculate expression with CPython's numeric semantics: ints are unbounded,
// `/` is true division (correctly rounded even for huge ints), `//` floors, `**` follows
// float_pow's special cases, and the errors carry CPython's messages. An empty pair of
// parentheses is a tuple and a negative number to a fractional power is complex, so both exist
// here too, if only to fail the way Python fails.

import { overflowError, typeError, zeroDivisionError, type PyException } from './errors.ts';
import type { BinaryOp, Expr } from './expression-parse.ts';
import { roundRational } from './float-bits.ts';
import { correctlyRoundedPow } from './pow.ts';
import { floatRepr } from './repr.ts';

export type Value =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'tuple' }
  | { kind: 'complex'; re: number; im: number };

const INT_TO_FLOAT = 'int too large to convert to float';
// Past this many bits an int power would take Python minutes and gigabytes; it can only end badly.
const MAX_INT_BITS = 1 << 24;

export function evaluate(expr: Expr): Value {
  switch (expr.kind) {
    case 'int':
    case 'float':
    case 'tuple':
      return expr;
    case 'unary':
      return unary(expr.op, evaluate(expr.operand));
    case 'binary':
      return binary(expr.op, evaluate(expr.left), evaluate(expr.right));
    case 'call': {
      const callee = evaluate(expr.callee);
      if (expr.arg) {
        const arg = evaluate(expr.arg.value);
        if (expr.arg.star === '*' && arg.kind !== 'tuple') {
          throw typeError(`${valueStr(callee)} argument after * must be an iterable, not ${arg.kind}`);
        }
        if (expr.arg.star === '**') throw typeError(`${valueStr(callee)} argument after ** must be a mapping, not ${arg.kind}`);
      }
      throw typeError(`'${kindName(callee)}' object is not callable`);
    }
  }
}

export const kindName = (v: Value): string => v.kind;

/** str(v), for the messages that quote a value. */
function valueStr(v: Value): string {
  if (v.kind === 'int') return String(v.value);
  if (v.kind === 'float') return floatRepr(v.value);
  if (v.kind === 'tuple') return '()';
  const im = `${floatRepr(v.im).replace(/\.0$/, '')}j`;
  return `(${floatRepr(v.re).replace(/\.0$/, '')}${v.im < 0 || Object.is(v.im, -0) ? '' : '+'}${im})`;
}

/** float(v) for an int or float; Python's TypeError for anything else. */
export function toFloat(v: Value): number {
  if (v.kind === 'float') return v.value;
  if (v.kind === 'int') return intToFloat(v.value);
  throw typeError(`float() argument must be a string or a real number, not '${v.kind}'`);
}

function intToFloat(n: bigint): number {
  const x = Number(n);
  if (!Number.isFinite(x)) throw overflowError(INT_TO_FLOAT);
  return x;
}

function unary(op: '+' | '-', v: Value): Value {
  if (v.kind === 'int') return op === '-' ? { kind: 'int', value: -v.value } : v;
  if (v.kind === 'float') return op === '-' ? { kind: 'float', value: -v.value } : v;
  if (v.kind === 'complex') return op === '-' ? { kind: 'complex', re: -v.re, im: -v.im } : v;
  throw typeError(`bad operand type for unary ${op}: '${v.kind}'`);
}

function unsupported(op: BinaryOp, a: Value, b: Value): PyException {
  const symbol = op === '**' ? '** or pow()' : op;
  return typeError(`unsupported operand type(s) for ${symbol}: '${a.kind}' and '${b.kind}'`);
}

function binary(op: BinaryOp, a: Value, b: Value): Value {
  if (a.kind === 'tuple' || b.kind === 'tuple') return tupleOp(op, a, b);
  if (a.kind === 'complex' || b.kind === 'complex') return complexOp(op, a, b);
  if (a.kind === 'int' && b.kind === 'int') return intOp(op, a.value, b.value);
  return floatOp(op, toFloat(a), toFloat(b));
}

function tupleOp(op: BinaryOp, a: Value, b: Value): Value {
  if (op === '+' && a.kind === 'tuple') {
    if (b.kind === 'tuple') return a;
    throw typeError(`can only concatenate tuple (not "${b.kind}") to tuple`);
  }
  if (op === '*') {
    const other = a.kind === 'tuple' ? b : a;
    if (other.kind === 'int') return { kind: 'tuple' };
    throw typeError(`can't multiply sequence by non-int of type '${other.kind}'`);
  }
  throw unsupported(op, a, b);
}

function intOp(op: BinaryOp, a: bigint, b: bigint): Value {
  switch (op) {
    case '+':
      return { kind: 'int', value: a + b };
    case '-':
      return { kind: 'int', value: a - b };
    case '*':
      return { kind: 'int', value: a * b };
    case '/':
      return { kind: 'float', value: trueDivide(a, b) };
    case '//': {
      if (b === 0n) throw zeroDivisionError('integer division or modulo by zero');
      const q = a / b;
      return { kind: 'int', value: (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q };
    }
    case '**': {
      // A negative exponent makes it a float power (long_pow hands over to float_pow).
      if (b < 0n) return floatOp('**', intToFloat(a), intToFloat(b));
      const bits = BigInt(a < 0n ? -a : a).toString(2).length;
      if (a !== 0n && a !== 1n && a !== -1n && BigInt(bits) * b > BigInt(MAX_INT_BITS)) throw overflowError(INT_TO_FLOAT);
      return { kind: 'int', value: a ** b };
    }
  }
}

/** int / int, correctly rounded like CPython's long_true_divide. */
function trueDivide(a: bigint, b: bigint): number {
  if (b === 0n) throw zeroDivisionError('division by zero');
  const negative = (a < 0n) !== (b < 0n);
  const x = roundRational(a < 0n ? -a : a, b < 0n ? -b : b);
  if (!Number.isFinite(x)) throw overflowError('integer division result too large for a float');
  return negative ? -x : x;
}

function floatOp(op: BinaryOp, a: number, b: number): Value {
  switch (op) {
    case '+':
      return { kind: 'float', value: a + b };
    case '-':
      return { kind: 'float', value: a - b };
    case '*':
      return { kind: 'float', value: a * b };
    case '/':
      if (b === 0) throw zeroDivisionError('float division by zero');
      return { kind: 'float', value: a / b };
    case '//':
      return { kind: 'float', value: floorDivide(a, b) };
    case '**':
      return floatPow(a, b);
  }
}

// CPython's _float_div_mod, floor part.
function floorDivide(vx: number, wx: number): number {
  if (wx === 0) throw zeroDivisionError('float floor division by zero');
  const mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod !== 0 && (wx < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return Math.sign(vx / wx) < 0 || Object.is(vx / wx, -0) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

const isOddInteger = (x: number) => Number.isInteger(x) && Math.abs(x % 2) === 1;

// CPython's float_pow, special cases first, the platform pow last.
function floatPow(iv: number, iw: number): Value {
  const result = (value: number): Value => ({ kind: 'float', value });
  if (iw === 0) return result(1);
  if (Number.isNaN(iv)) return result(iv);
  if (Number.isNaN(iw)) return result(iv === 1 ? 1 : iw);
  if (!Number.isFinite(iw)) {
    const av = Math.abs(iv);
    if (av === 1) return result(1);
    return result(iw > 0 === av > 1 ? Infinity : 0);
  }
  if (!Number.isFinite(iv)) {
    const odd = isOddInteger(iw);
    if (iw > 0) return result(odd ? iv : Math.abs(iv));
    return result(odd ? (iv < 0 ? -0 : 0) : 0);
  }
  if (iv === 0) {
    if (iw < 0) throw zeroDivisionError('0.0 cannot be raised to a negative power');
    return result(isOddInteger(iw) ? iv : 0);
  }
  let negate = false;
  let base = iv;
  if (iv < 0) {
    if (iw !== Math.floor(iw)) return complexPow({ re: iv, im: 0 }, { re: iw, im: 0 });
    base = -iv;
    negate = isOddInteger(iw);
  }
  if (base === 1) return result(negate ? -1 : 1);
  const x = correctlyRoundedPow(base, iw);
  if (!Number.isFinite(x)) throw overflowError("(34, 'Numerical result out of range')");
  return result(negate ? -x : x);
}

// Complex numbers only arise from a negative base to a fractional power; float() rejects them in
// the end, so only the operations that fail differently along the way need care.
function complexOp(op: BinaryOp, a: Value, b: Value): Value {
  if (op === '//') throw typeError(`unsupported operand type(s) for //: '${a.kind}' and '${b.kind}'`);
  const x = asComplex(a);
  const y = asComplex(b);
  switch (op) {
    case '+':
      return { kind: 'complex', re: x.re + y.re, im: x.im + y.im };
    case '-':
      return { kind: 'complex', re: x.re - y.re, im: x.im - y.im };
    case '*':
      return { kind: 'complex', re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re };
    case '/': {
      if (y.re === 0 && y.im === 0) throw zeroDivisionError('complex division by zero');
      const d = y.re * y.re + y.im * y.im;
      return { kind: 'complex', re: (x.re * y.re + x.im * y.im) / d, im: (x.im * y.re - x.re * y.im) / d };
    }
    case '**':
      return complexPow(x, y);
  }
}

function asComplex(v: Value): { re: number; im: number } {
  if (v.kind === 'complex') return v;
  return { re: toFloat(v), im: 0 };
}

function complexPow(x: { re: number; im: number }, y: { re: number; im: number }): Value {
  if (y.re === 0 && y.im === 0) return { kind: 'complex', re: 1, im: 0 };
  if (x.re === 0 && x.im === 0) {
    if (y.im !== 0 || y.re < 0) throw zeroDivisionError('0.0 to a negative or complex power');
    return { kind: 'complex', re: 0, im: 0 };
  }
  const modulus = Math.hypot(x.re, x.im);
  const angle = Math.atan2(x.im, x.re);
  const len = Math.pow(modulus, y.re) * Math.exp(-y.im * angle);
  const phase = angle * y.re + y.im * Math.log(modulus);
  return { kind: 'complex', re: len * Math.cos(phase), im: len * Math.sin(phase) };
}
