import { describe, expect, it } from 'vitest';
import { CalculatorError, calculatorTool, evaluate, formatNumber } from './calculator.ts';
import type { ToolContext } from './tool.ts';

const context: ToolContext = { workspaceRoot: '.', signal: new AbortController().signal, now: () => new Date(0) };

function calc(expression: string): string {
  return calculatorTool.run({ expression }, context) as string;
}

function errorOf(expression: string): string {
  try {
    calc(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(CalculatorError);
    return (error as Error).message;
  }
  throw new Error(`"${expression}" was accepted`);
}

describe('calculator: hand-worked values', () => {
  it.each([
    ['2+3*4', '14'],
    ['(2+3)*4', '20'],
    ['2^3^2', '512'],
    ['2**3**2', '512'],
    ['(2^3)^2', '64'],
    ['-(2+3)*2', '-10'],
    ['-2^2', '-4'],
    ['2^-1', '0.5'],
    ['--3', '3'],
    ['10 - 4 - 3', '3'],
    ['100 / 10 / 5', '2'],
    ['7 % 3', '1'],
    ['15% of 80', '12'],
    ['20%', '0.2'],
    ['50% * 30', '15'],
    ['12.5% of 200 + 1', '26'],
    ['sqrt(16)+abs(-2)', '6'],
    ['1e3/4', '250'],
    ['2.5e-3 * 1000', '2.5'],
    ['.5 + 1.', '1.5'],
    ['0.1+0.2', '0.3'],
    ['1/3', '0.3333333333'],
    ['2/3', '0.6666666667'],
    ['sqrt(2)^2', '2'],
    ['round(2.5)', '3'],
    ['round(1.005, 2)', '1.01'],
    ['floor(-2.5) + ceil(2.1)', '0'],
    ['min(4, 2, 8) + max(1, 9)', '11'],
    ['log(1000)', '3'],
    ['log(8, 2)', '3'],
    ['ln(e)', '1'],
    ['exp(0)', '1'],
    ['sin(pi/2) + cos(0) + tan(0)', '2'],
    ['2 * PI', '6.283185307'],
    ['Sqrt(9)', '3'],
    ['6 × 7 − 2 ÷ 2', '41'],
    ['2^53 + 1', '9007199254740992'],
    ['-0', '0'],
    ['  ( 1 +\t2 ) ', '3'],
  ])('%s = %s', (expression, expected) => {
    expect(calc(expression)).toBe(expected);
  });
});

describe('calculator: percent sign versus remainder', () => {
  it('reads "%" before a number, name or "(" as the remainder, otherwise as percent', () => {
    expect(calc('10 % 3')).toBe('1');
    expect(calc('10 % (4)')).toBe('2');
    expect(calc('20% + 1')).toBe('1.2');
    expect(calc('(20)%')).toBe('0.2');
    expect(calc('10 % -3')).toBe('-2.9');
  });
});

describe('calculator: errors', () => {
  it('refuses division by zero', () => {
    expect(errorOf('7/0')).toBe('division by zero');
    expect(errorOf('7 % 0')).toBe('division by zero');
    expect(errorOf('0^-1')).toMatch(/division by zero/);
  });

  it('refuses an expression that stops after an operator', () => {
    expect(errorOf('2+')).toBe('the expression ends where a number was expected');
  });

  it('refuses anything that is not arithmetic, such as JavaScript', () => {
    expect(errorOf("import('fs')")).toBe(`unexpected character "'" at position 8 in "import('fs')"`);
    expect(errorOf('process.exit()')).toMatch(/unexpected character "\."/);
    expect(errorOf('process')).toMatch(/unknown name "process"/);
    expect(errorOf('x = 1')).toMatch(/unexpected character "="/);
  });

  it('does not reach Object.prototype through names such as constructor', () => {
    expect(errorOf('constructor')).toMatch(/unknown name "constructor"/);
    expect(errorOf('constructor(1)')).toMatch(/unknown name "constructor"/);
    expect(errorOf('__proto__')).toMatch(/unknown name "__proto__"/);
    expect(errorOf('toString(1)')).toMatch(/unknown name "toString"/);
  });

  it('names unknown functions and lists the known ones', () => {
    expect(errorOf('foo(2)')).toBe(
      'unknown name "foo"; known functions: sqrt, abs, round, floor, ceil, min, max, log, ln, exp, sin, cos, tan; constants: pi, e',
    );
  });

  it('needs an explicit operator between values', () => {
    expect(errorOf('2 3')).toBe('expected an operator such as + or * before "3" at position 3');
    expect(errorOf('2pi')).toMatch(/expected an operator/);
  });

  it('explains a thousands separator', () => {
    expect(errorOf('1,000 + 1')).toMatch(/without thousands separators/);
  });

  it('refuses unbalanced parentheses', () => {
    expect(errorOf('(1+2')).toBe('expected ")" to close the "(" at position 1, found the end of the expression');
    expect(errorOf('1+2)')).toMatch(/expected an operator .* before "\)"/);
  });

  it('checks function arguments', () => {
    expect(errorOf('sqrt(-4)')).toMatch(/square root of a negative number/);
    expect(errorOf('sqrt(1, 2)')).toBe('sqrt takes 1 argument, not 2');
    expect(errorOf('log(0)')).toMatch(/only defined for positive numbers/);
    expect(errorOf('round(1.5, 0.5)')).toMatch(/whole number of digits/);
    expect(errorOf('sqrt 4')).toMatch(/expected "\(" after sqrt/);
  });

  it('refuses results too large to represent', () => {
    expect(errorOf('10^400')).toMatch(/too large/);
    expect(errorOf('1e999')).toMatch(/too large/);
  });

  it('refuses empty, very long and very deeply nested input', () => {
    expect(errorOf('   ')).toBe('expression is empty');
    expect(errorOf('1+'.repeat(600) + '1')).toMatch(/too long/);
    expect(errorOf('('.repeat(300) + '1' + ')'.repeat(300))).toMatch(/nested too deeply/);
    expect(errorOf('-'.repeat(300) + '1')).toMatch(/nested too deeply/);
  });
});

describe('formatNumber', () => {
  it('writes integers in full and other numbers to at most 10 significant digits', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(-7)).toBe('-7');
    expect(formatNumber(0.30000000000000004)).toBe('0.3');
    expect(formatNumber(Math.PI)).toBe('3.141592654');
    expect(formatNumber(1.5e-12)).toBe('1.5e-12');
    expect(formatNumber(-0)).toBe('0');
  });

  it('is what evaluate plus the tool return', () => {
    expect(formatNumber(evaluate('1/8'))).toBe('0.125');
    expect(calc('1/8')).toBe('0.125');
  });
});
