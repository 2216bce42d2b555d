// calculator: a small arithmetic language, parsed by hand so no model output is ever evaluated as
// JavaScript. Grammar, loosest binding first:
//
//   sum      := product (("+" | "-") product)*
//   product  := unary (("*" | "/" | "%") unary)*          "%" here is the remainder
//   unary    := ("-" | "+") unary | power                  so -2^2 = -4, as in maths
//   power    := postfix (("^" | "**") unary)?             right-associative: 2^3^2 = 2^9
//   postfix  := primary ("%" ("of" unary)?)*               "20%" = 0.2, "15% of 80" = 12
//   primary  := number | constant | name "(" sum ("," sum)* ")" | "(" sum ")"
//
// A "%" right after a value is a percent sign unless a number, name or "(" follows, in which
// case it is the remainder operator: "10 % 3" = 1, "20% + 1" = 1.2, "10 % -3" = 0.1 - 3.
// Percent is plain division by 100: "100 + 10%" is 100.1, not 110.
// Trigonometry is in radians; log is base 10 (log(x, b) for base b); ln is natural.

import { z } from 'zod';
import { defineTool } from './tool.ts';

const MAX_EXPRESSION_LENGTH = 1000;
// Deep enough for any real expression, shallow enough that "((((..." cannot overflow the stack.
const MAX_NESTING = 100;
const SIGNIFICANT_DIGITS = 10;

const schema = z.object({
  expression: z
    .string()
    .describe(
      'The math to work out, written as a formula, for example "2 + 3 * 4", "sqrt(16)", "2^10", "15% of 80" or "(5 - 3) / 4"',
    ),
});

export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Calculate the result of a math expression: add, subtract, multiply, divide, powers, square roots, ' +
    'percentages (such as 15% of 80), and functions like sqrt, round, log and sin. Use it for any arithmetic, ' +
    'sum or number computation.',
  schema,
  run(args) {
    return formatNumber(evaluate(args.expression));
  },
});

export class CalculatorError extends Error {
  override name = 'CalculatorError';
}

/** Parses and evaluates `expression`; throws a CalculatorError saying what is wrong with it. */
export function evaluate(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(`expression is too long (over ${MAX_EXPRESSION_LENGTH} characters)`);
  }
  const tokens = tokenize(expression);
  if (tokens.length === 1) throw new CalculatorError('expression is empty');
  return new Parser(tokens).parseAll();
}

/** Integers in full; anything else to at most 10 significant digits, without trailing zeros. */
export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value)) return String(value);
  // Rounding hides binary noise such as 0.1 + 0.2 = 0.30000000000000004.
  const rounded = Number(value.toPrecision(SIGNIFICANT_DIGITS));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

// ---------------------------------------------------------------- tokens

type Token =
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'name'; name: string; text: string; at: number }
  | { kind: 'op'; op: string; text: string; at: number }
  | { kind: 'end'; text: string; at: number };

// Typographic operators people paste from documents.
const OPERATOR_ALIASES: Record<string, string> = { '×': '*', '÷': '/', '−': '-', '–': '-' };
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z_0-9]*/;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) throw new CalculatorError(`the number ${number[0]} is too large to represent`);
      tokens.push({ kind: 'number', value, text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', name: name[0].toLowerCase(), text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('**')) {
      tokens.push({ kind: 'op', op: '**', text: '**', at: i });
      i += 2;
      continue;
    }
    const char = rest[0];
    const op = OPERATOR_ALIASES[char] ?? char;
    if ('+-*/%^(),'.includes(op)) {
      tokens.push({ kind: 'op', op, text: char, at: i });
      i += 1;
      continue;
    }
    throw new CalculatorError(`unexpected character "${char}" at position ${i + 1} in "${expression}"`);
  }
  tokens.push({ kind: 'end', text: 'end of expression', at: expression.length });
  return tokens;
}

// ---------------------------------------------------------------- parser and evaluator

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

interface MathFunction {
  /** Allowed argument counts, as [min, max]. */
  arity: [number, number];
  apply(args: number[]): number;
}

const FUNCTIONS: Record<string, MathFunction> = {
  sqrt: {
    arity: [1, 1],
    apply: ([x]) => {
      if (x < 0) throw new CalculatorError(`cannot take the square root of a negative number (${formatNumber(x)})`);
      return Math.sqrt(x);
    },
  },
  abs: { arity: [1, 1], apply: ([x]) => Math.abs(x) },
  round: { arity: [1, 2], apply: ([x, digits]) => roundTo(x, digits ?? 0) },
  floor: { arity: [1, 1], apply: ([x]) => Math.floor(x) },
  ceil: { arity: [1, 1], apply: ([x]) => Math.ceil(x) },
  min: { arity: [1, Infinity], apply: (xs) => Math.min(...xs) },
  max: { arity: [1, Infinity], apply: (xs) => Math.max(...xs) },
  log: {
    arity: [1, 2],
    apply: ([x, base]) => {
      requirePositive(x, 'log');
      if (base === undefined) return Math.log10(x);
      if (base <= 0 || base === 1) throw new CalculatorError('the base of log must be positive and not 1');
      return Math.log(x) / Math.log(base);
    },
  },
  ln: { arity: [1, 1], apply: ([x]) => (requirePositive(x, 'ln'), Math.log(x)) },
  exp: { arity: [1, 1], apply: ([x]) => Math.exp(x) },
  sin: { arity: [1, 1], apply: ([x]) => Math.sin(x) },
  cos: { arity: [1, 1], apply: ([x]) => Math.cos(x) },
  tan: { arity: [1, 1], apply: ([x]) => Math.tan(x) },
};

function requirePositive(x: number, name: string): void {
  if (x <= 0) throw new CalculatorError(`${name} is only defined for positive numbers, not ${formatNumber(x)}`);
}

function roundTo(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new CalculatorError('round(x, digits) needs a whole number of digits from 0 to 15');
  }
  // Scaling through the exponent string avoids 1.005 * 100 = 100.49999999999999.
  return Number(`${Math.round(Number(`${x}e${digits}`))}e-${digits}`);
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): number {
    const value = this.parseSum();
    const next = this.peek();
    if (next.kind === 'op' && next.op === ',') {
      throw new CalculatorError(
        `unexpected "," at position ${next.at + 1}; write numbers without thousands separators, such as 1000`,
      );
    }
    if (next.kind !== 'end') {
      throw new CalculatorError(`expected an operator such as + or * before "${next.text}" at position ${next.at + 1}`);
    }
    return value;
  }

  private parseSum(): number {
    this.enter();
    let value = this.parseProduct();
    for (let op = this.peekOp(); op === '+' || op === '-'; op = this.peekOp()) {
      this.index++;
      const right = this.parseProduct();
      value = checked(op === '+' ? value + right : value - right, op);
    }
    this.depth--;
    return value;
  }

  private parseProduct(): number {
    let value = this.parseUnary();
    for (let op = this.peekOp(); op === '*' || op === '/' || op === '%'; op = this.peekOp()) {
      this.index++;
      const right = this.parseUnary();
      if ((op === '/' || op === '%') && right === 0) throw new CalculatorError('division by zero');
      value = checked(op === '*' ? value * right : op === '/' ? value / right : value % right, op);
    }
    return value;
  }

  private parseUnary(): number {
    const op = this.peekOp();
    if (op === '-' || op === '+') {
      this.index++;
      this.enter();
      const value = this.parseUnary();
      this.depth--;
      return op === '-' ? -value : value;
    }
    return this.parsePower();
  }

  private parsePower(): number {
    const base = this.parsePostfix();
    const op = this.peekOp();
    if (op !== '^' && op !== '**') return base;
    this.index++;
    this.enter();
    const exponent = this.parseUnary();
    this.depth--;
    if (base === 0 && exponent < 0) throw new CalculatorError('division by zero (0 raised to a negative power)');
    return checked(base ** exponent, '^');
  }

  private parsePostfix(): number {
    let value = this.parsePrimary();
    while (this.peekOp() === '%' && !this.startsOperand(this.tokens[this.index + 1])) {
      this.index++;
      value /= 100;
      const next = this.peek();
      if (next.kind === 'name' && next.name === 'of') {
        this.index++;
        value = checked(value * this.parseUnary(), 'of');
      }
    }
    return value;
  }

  private parsePrimary(): number {
    const token = this.next();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.op === '(') {
      const value = this.parseSum();
      this.expect(')', 'to close the "(" at position ' + (token.at + 1));
      return value;
    }
    if (token.kind === 'name') return this.parseName(token.name, token.text);
    if (token.kind === 'end') throw new CalculatorError('the expression ends where a number was expected');
    throw new CalculatorError(`expected a number before "${token.text}" at position ${token.at + 1}`);
  }

  private parseName(name: string, text: string): number {
    // Own properties only: "constructor" or "__proto__" must not reach Object.prototype.
    if (Object.hasOwn(FUNCTIONS, name)) return this.parseCall(name, FUNCTIONS[name]);
    if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name];
    throw new CalculatorError(
      `unknown name "${text}"; known functions: ${Object.keys(FUNCTIONS).join(', ')}; constants: pi, e`,
    );
  }

  private parseCall(name: string, fn: MathFunction): number {
    this.expect('(', `after ${name}`);
    const args = [this.parseSum()];
    while (this.peekOp() === ',') {
      this.index++;
      args.push(this.parseSum());
    }
    this.expect(')', `to close ${name}(`);
    const [min, max] = fn.arity;
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
      throw new CalculatorError(`${name} takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${args.length}`);
    }
    return checked(fn.apply(args), name);
  }

  /** Whether `token` can begin a value, which makes a preceding "%" the remainder operator. */
  private startsOperand(token: Token | undefined): boolean {
    if (!token) return false;
    if (token.kind === 'number') return true;
    if (token.kind === 'name') return token.name !== 'of';
    return token.kind === 'op' && token.op === '(';
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) throw new CalculatorError('expression is nested too deeply');
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private peekOp(): string | undefined {
    const token = this.peek();
    return token.kind === 'op' ? token.op : undefined;
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private expect(op: string, why: string): void {
    const token = this.next();
    if (token.kind !== 'op' || token.op !== op) {
      const found = token.kind === 'end' ? 'the end of the expression' : `"${token.text}" at position ${token.at + 1}`;
      throw new CalculatorError(`expected "${op}" ${why}, found ${found}`);
    }
  }
}

/** Infinity or NaN from any step becomes an error naming the step, not a silent "Infinity". */
function checked(value: number, step: string): number {
  if (Number.isNaN(value)) throw new CalculatorError(`the result of ${step} is undefined`);
  if (!Number.isFinite(value)) throw new CalculatorError(`the result of ${step} is too large to represent`);
  return value;
}
