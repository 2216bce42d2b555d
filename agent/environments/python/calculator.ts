// τ-bench's calculate tool: str(round(float(eval(expression)), 2)) for expressions made of digits,
// + - * / ( ) . and spaces, every failure reported as "Error: <Python's message>".

import { exceptionText, typeError } from './errors.ts';
import { evaluate, toFloat } from './expression-eval.ts';
import { parseExpression, RecursionLimit } from './expression-parse.ts';
import { contains, iter } from './ops.ts';
import { floatRepr } from './repr.ts';
import { pyRound } from './round.ts';
import type { PyValue } from './value.ts';

const ALLOWED = '0123456789+-*/(). ';

/**
 * The whole body of Calculate.invoke. The character check sits outside Python's try, so its
 * TypeErrors (an expression that is not a string) escape to the caller like any tool exception.
 */
export function calculate(expression: PyValue): string {
  if (!iter(expression).every((char) => contains(ALLOWED, char))) return 'Error: invalid characters in expression';
  try {
    if (typeof expression !== 'string') throw typeError('eval() arg 1 must be a string, bytes or code object');
    return floatRepr(pyRound(toFloat(evaluate(parseExpression(expression))), 2));
  } catch (error) {
    if (error instanceof RecursionLimit) return 'Error: maximum recursion depth exceeded during compilation';
    return `Error: ${exceptionText(error)}`;
  }
}
