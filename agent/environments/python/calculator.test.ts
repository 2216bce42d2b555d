import { describe, expect, it } from 'vitest';
import { calculate } from './calculator.ts';

// [expression, what τ-bench's calculate tool returns], printed by CPython 3.11.7 on Linux.
const CASES: [string, string][] = [
  ["2 + 2", "4.0"],
  ["498 * 1.5", "747.0"],
  ["1/3", "0.33"],
  ["10 / 4", "2.5"],
  ["7 // 2", "3.0"],
  ["-7 // 2", "-4.0"],
  ["7.5 // 2", "3.0"],
  ["2 ** 10", "1024.0"],
  ["2 ** -1", "0.5"],
  ["2 ** 0.5", "1.41"],
  ["(-8) ** 0.5", "Error: float() argument must be a string or a real number, not 'complex'"],
  ["0.1 + 0.2", "0.3"],
  ["1.005 * 1000", "1005.0"],
  ["2.675", "2.67"],
  ["100 - 47.5 * 2", "5.0"],
  ["1e3", "Error: invalid characters in expression"],
  ["abc", "Error: invalid characters in expression"],
  ["", "Error: invalid syntax (<string>, line 0)"],
  ["   ", "Error: invalid syntax (<string>, line 0)"],
  ["(1 + 2", "Error: '(' was never closed (<string>, line 1)"],
  ["1 + 2)", "Error: unmatched ')' (<string>, line 1)"],
  ["1 2", "Error: invalid syntax (<string>, line 1)"],
  ["(1 2)", "Error: invalid syntax. Perhaps you forgot a comma? (<string>, line 1)"],
  ["01", "Error: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (<string>, line 1)"],
  ["00", "0.0"],
  ["000.5", "0.5"],
  ["5.", "5.0"],
  [".5", "0.5"],
  ["1..2", "Error: invalid syntax (<string>, line 1)"],
  ["3 / 0", "Error: division by zero"],
  ["3.0 / 0", "Error: float division by zero"],
  ["3 // 0", "Error: integer division or modulo by zero"],
  ["3.5 // 0", "Error: float floor division by zero"],
  ["0 ** -1", "Error: 0.0 cannot be raised to a negative power"],
  ["()", "Error: float() argument must be a string or a real number, not 'tuple'"],
  ["2(3)", "Error: 'int' object is not callable"],
  ["(*1)", "Error: cannot use starred expression here (<string>, line 1)"],
  ["(**1)", "Error: cannot use double starred expression here (<string>, line 1)"],
  ["2(*3)", "Error: 2 argument after * must be an iterable, not int"],
  ["10 ** 400", "Error: int too large to convert to float"],
  ["10.0 ** 400", "Error: (34, 'Numerical result out of range')"],
  ["2 ** 1100 / 2 ** 1099", "2.0"],
  ["123456789012345678901234567890 * 1.0", "1.2345678901234568e+29"],
  ["-0.001", "-0.0"],
  ["(-2) ** 3", "-8.0"],
  ["-2 ** 2", "-4.0"],
  ["1 + (2 3", "Error: '(' was never closed (<string>, line 1)"],
  ["(1 2 ))", "Error: unmatched ')' (<string>, line 1)"],
  ["9.9 * 10 ** 308", "inf"],
  ["1234.5678 + 0.0001", "1234.57"],
  ["150 - 26.5 + 0.125", "123.62"],
  ["1 / 7 * 7", "1.0"],
  ["3 * 1.1", "3.3"],
  ["1023 - 5", "1018.0"],
  ["467.10 ** 10", "4.944230084677443e+26"],
  ["25 ** -2", "0.0"],
  ["411 ** -2", "0.0"],
  ["1.1 ** 3", "1.33"],
  ["0.5 ** 1.5", "0.35"]
];

describe("τ-bench's calculate (str(round(float(eval(e)), 2)))", () => {
  it.each(CASES)('%j -> %s', (expression, want) => {
    expect(calculate(expression)).toBe(want);
  });

  it('reports too many nested parentheses as the tokenizer does', () => {
    expect(calculate(`${'('.repeat(201)}1${')'.repeat(201)}`)).toBe('Error: too many nested parentheses (<string>, line 1)');
    expect(calculate(`${'('.repeat(200)}1${')'.repeat(200)}`)).toBe('1.0');
  });

  it('fails outside its try on a non-string expression, as Python does', () => {
    expect(() => calculate([1, 2])).toThrow("'in <string>' requires string as left operand, not int");
    expect(calculate(['1', '+'])).toBe('Error: eval() arg 1 must be a string, bytes or code object');
  });
});
