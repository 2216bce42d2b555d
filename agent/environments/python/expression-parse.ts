// The subset of Python's expression grammar that τ-bench's calculate tool can receive: its input
// may only hold digits, + - * / ( ) . and spaces, and it is eval()-ed. This is a small PEG parser
// shaped like CPython 3.11's, because which SyntaxError Python reports depends on how its parser
// works: tokens are read lazily (an unclosed "(" is only reported if parsing reaches the end), a
// failed first pass is re-run with the "invalid_" rules that produce the specific messages
// ("Perhaps you forgot a comma?", starred expressions), and tokenizer errors found afterwards in the
// rest of the text (leading zeros, an unmatched ")") take precedence over parser errors.

import { PyException, syntaxError } from './errors.ts';

export type Expr =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'tuple' }
  | { kind: 'unary'; op: '+' | '-'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; callee: Expr; arg?: { star: '' | '*' | '**'; value: Expr } };

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '**';

interface Token {
  kind: 'number' | 'op' | 'end';
  text: string;
  /** Parenthesis depth after this token, as CPython's tokenizer records it. */
  level: number;
}

const MAX_PAREN_LEVEL = 200;
// CPython's compiler gives up on ASTs nested deeper than this (default recursion limit 1000, x3).
const MAX_AST_DEPTH = 2991;
// Roughly where CPython's parser stack gives out on a run of unary operators (approximate).
const MAX_PARSER_NESTING = 5990;

export class RecursionLimit extends Error {}

/** Parses the text eval() receives; throws the SyntaxError CPython 3.11 would raise. */
export function parseExpression(source: string): Expr {
  // eval() strips leading spaces and tabs; an empty source is an error on "line 0".
  const text = source.replace(/^[ \t]+/, '');
  if (text.trim() === '') throw syntaxError('invalid syntax', 0);
  const tokens = new Tokenizer(text);
  let first: Expr | null;
  try {
    first = new PegParser(tokens, false).parse();
  } catch (e) {
    // Tokenizer errors met while parsing are final; so is the parser's own stack limit.
    throw e instanceof TokenizerError ? e.error : e;
  }
  if (first) {
    if (depth(first) > MAX_AST_DEPTH) throw new RecursionLimit();
    return first;
  }
  let error: PyException = syntaxError('invalid syntax');
  try {
    new PegParser(tokens, true).parse();
  } catch (e) {
    // A tokenizer error met by the second pass (an unclosed "(" at the end) is final.
    if (e instanceof TokenizerError) throw e.error;
    error = e as PyException;
  }
  tokens.checkRest();
  throw error;
}

class TokenizerError extends Error {
  constructor(readonly error: PyException) {
    super(error.message);
  }
}

class Tokenizer {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private level = 0;
  constructor(private readonly text: string) {}

  /** The i-th token, reading further as needed; tokenizer errors surface when reached. */
  at(i: number): Token {
    while (this.tokens.length <= i) this.tokens.push(this.next());
    return this.tokens[i]!;
  }

  /** After a parser error: a tokenizer error in the unread rest of the text replaces it. */
  checkRest(): void {
    try {
      while (this.tokens.length === 0 || this.tokens[this.tokens.length - 1]!.kind !== 'end') this.tokens.push(this.next(true));
    } catch (e) {
      throw (e as TokenizerError).error;
    }
  }

  private next(lenientEnd = false): Token {
    const text = this.text;
    while (text[this.pos] === ' ') this.pos++;
    if (this.pos >= text.length) {
      // On one line CPython only reports an unclosed "(" if parsing itself got to the end.
      if (this.level > 0 && !lenientEnd) throw new TokenizerError(syntaxError("'(' was never closed"));
      return { kind: 'end', text: '', level: this.level };
    }
    const number = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)/.exec(text.slice(this.pos));
    if (number) {
      const literal = number[0];
      if (!literal.includes('.') && /^0+[1-9]/.test(literal)) {
        throw new TokenizerError(
          syntaxError('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'),
        );
      }
      this.pos += literal.length;
      return { kind: 'number', text: literal, level: this.level };
    }
    const c = text[this.pos]!;
    if (c === '(') {
      if (this.level >= MAX_PAREN_LEVEL) throw new TokenizerError(syntaxError('too many nested parentheses'));
      this.level++;
    } else if (c === ')') {
      if (this.level === 0) throw new TokenizerError(syntaxError("unmatched ')'"));
      this.level--;
    }
    const op = text.startsWith('**', this.pos) ? '**' : text.startsWith('//', this.pos) ? '//' : c;
    this.pos += op.length;
    return { kind: 'op', text: op, level: this.level };
  }
}

type Memo = Map<number, { expr: Expr | null; end: number }>;

class PegParser {
  private pos = 0;
  private nesting = 0;
  // Memoized rules are shared between modes, as in CPython: a result found with the invalid_ rules
  // switched off is reused when they are on.
  private readonly memo = { expression: new Map() as Memo, disjunction: new Map() as Memo };

  constructor(
    private readonly tokens: Tokenizer,
    private invalidRules: boolean,
  ) {}

  parse(): Expr | null {
    const e = this.expression();
    return e && this.peek().kind === 'end' ? e : null;
  }

  private peek(): Token {
    return this.tokens.at(this.pos);
  }

  private accept(text: string): boolean {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) return false;
    this.pos++;
    return true;
  }

  private memoized(table: Memo, rule: () => Expr | null): Expr | null {
    const start = this.pos;
    const hit = table.get(start);
    if (hit) {
      this.pos = hit.end;
      return hit.expr;
    }
    const expr = rule();
    if (!expr) this.pos = start;
    table.set(start, { expr, end: this.pos });
    return expr;
  }

  private expression(): Expr | null {
    return this.memoized(this.memo.expression, () => {
      if (this.invalidRules) this.invalidExpression();
      return this.disjunction();
    });
  }

  // invalid_expression: two expressions in a row, the second ending inside parentheses.
  private invalidExpression(): void {
    const start = this.pos;
    if (this.disjunction()) {
      const saved = this.invalidRules;
      this.invalidRules = false;
      const b = this.disjunction();
      this.invalidRules = saved;
      if (b && this.tokens.at(this.pos - 1).level !== 0) throw syntaxError('invalid syntax. Perhaps you forgot a comma?');
    }
    this.pos = start;
  }

  private disjunction(): Expr | null {
    return this.memoized(this.memo.disjunction, () => this.sum());
  }

  private binaryChain(ops: readonly string[], operand: () => Expr | null): Expr | null {
    let left = operand();
    if (!left) return null;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !ops.includes(t.text)) return left;
      const before = this.pos;
      this.pos++;
      const right = operand();
      if (!right) {
        this.pos = before;
        return left;
      }
      left = { kind: 'binary', op: t.text as BinaryOp, left, right };
    }
  }

  private sum(): Expr | null {
    return this.binaryChain(['+', '-'], () => this.term());
  }

  private term(): Expr | null {
    return this.binaryChain(['*', '/', '//'], () => this.factor());
  }

  private factor(): Expr | null {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '+' || t.text === '-')) {
      const before = this.pos;
      this.pos++;
      // CPython's parser stack (MAXSTACK) runs out on thousands of nested operators: MemoryError.
      if (++this.nesting > MAX_PARSER_NESTING) throw new PyException('MemoryError', '');
      const operand = this.factor();
      this.nesting--;
      if (operand) return { kind: 'unary', op: t.text, operand };
      this.pos = before;
      return null;
    }
    return this.power();
  }

  private power(): Expr | null {
    const base = this.primary();
    if (!base) return null;
    const before = this.pos;
    if (this.accept('**')) {
      const exponent = this.factor();
      if (exponent) return { kind: 'binary', op: '**', left: base, right: exponent };
      this.pos = before;
    }
    return base;
  }

  private primary(): Expr | null {
    let expr = this.atom();
    if (!expr) return null;
    for (;;) {
      const before = this.pos;
      if (!this.accept('(')) return expr;
      const call = this.callArguments(expr);
      if (!call) {
        this.pos = before;
        return expr;
      }
      expr = call;
    }
  }

  // arguments: nothing, one expression, *expression or **expression (no commas can occur).
  private callArguments(callee: Expr): Expr | null {
    if (this.accept(')')) return { kind: 'call', callee };
    const star = this.accept('*') ? '*' : this.accept('**') ? '**' : '';
    const value = this.expression();
    if (!value || !this.accept(')')) return null;
    return { kind: 'call', callee, arg: { star, value } };
  }

  private atom(): Expr | null {
    const t = this.peek();
    if (t.kind === 'number') {
      this.pos++;
      if (!t.text.includes('.')) return { kind: 'int', value: BigInt(t.text) };
      return { kind: 'float', value: Number(t.text.endsWith('.') ? `${t.text}0` : t.text) };
    }
    if (t.kind !== 'op' || t.text !== '(') return null;
    const start = this.pos;
    this.pos++;
    // tuple: "()" (its other forms need a comma); its attempt parses a starred or plain expression.
    if (this.accept(')')) return { kind: 'tuple' };
    if (this.accept('*')) this.sum();
    else this.expression();
    this.pos = start + 1;
    // group: '(' expression ')'
    const inner = this.expression();
    if (inner && this.accept(')')) return inner;
    this.pos = start + 1;
    if (this.invalidRules) this.invalidGroup();
    this.pos = start;
    return null;
  }

  private invalidGroup(): void {
    const start = this.pos;
    for (const [star, message] of [
      ['*', 'cannot use starred expression here'],
      ['**', 'cannot use double starred expression here'],
    ] as const) {
      this.pos = start;
      if (this.accept(star) && this.expression() && this.accept(')')) throw syntaxError(message);
    }
    this.pos = start;
  }
}

/** Nesting depth of an expression tree (a leaf is 1). */
function depth(e: Expr): number {
  switch (e.kind) {
    case 'unary':
      return 1 + depth(e.operand);
    case 'binary':
      return 1 + Math.max(depth(e.left), depth(e.right));
    case 'call':
      return 1 + Math.max(depth(e.callee), e.arg ? depth(e.arg.value) : 0);
    default:
      return 1;
  }
}
