// promptfoo's CSV test conventions (its src/csv.ts): the expected values are what promptfoo's
// assertionFromString and testCaseFromCsvRow give for the same cells.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { assertionFromString, csvRecords, parseCsv, testFromCsvRow } from './csv-tests.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\nlines",\n', 'f.csv')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
    expect(() => parseCsv('a\n"open', 'f.csv')).toThrow(InputError);
    expect(csvRecords('q,__expected\nHi,contains: Hello\n', 'f.csv')).toEqual([{ q: 'Hi', __expected: 'contains: Hello' }]);
  });
});

describe('assertionFromString', () => {
  it("reads promptfoo's one-line assertions, and plain text as equals", () => {
    expect(assertionFromString('contains: algorithm')).toEqual({ type: 'contains', value: 'algorithm' });
    expect(assertionFromString('icontains:bonjour')).toEqual({ type: 'icontains', value: 'bonjour' });
    expect(assertionFromString('not-icontains: sorry')).toEqual({ type: 'not-icontains', value: 'sorry' });
    expect(assertionFromString('icontains-any: fire, flame')).toEqual({ type: 'icontains-any', value: ['fire', 'flame'] });
    expect(assertionFromString('regex: ^\\d+$')).toEqual({ type: 'regex', value: '^\\d+$' });
    expect(assertionFromString('is-json')).toEqual({ type: 'is-json' });
    expect(assertionFromString('similar(0.9): Ahoy, world')).toEqual({ type: 'similar', value: 'Ahoy, world', threshold: 0.9 });
    expect(assertionFromString('similar: Ahoy')).toEqual({ type: 'similar', value: 'Ahoy', threshold: 0.8 });
    expect(assertionFromString('llm-rubric: Is polite')).toEqual({ type: 'llm-rubric', value: 'Is polite' });
    expect(assertionFromString('grade: Is polite')).toEqual({ type: 'llm-rubric', value: 'Is polite' });
    expect(assertionFromString("fn:output.includes('x')")).toEqual({ type: 'javascript', value: "output.includes('x')" });
    expect(assertionFromString('javascript:file://check.ts')).toEqual({ type: 'javascript', value: 'file://check.ts' });
    expect(assertionFromString('file://grade.py')).toEqual({ type: 'python', value: 'file://grade.py' });
    expect(assertionFromString('Bonjour le monde')).toEqual({ type: 'equals', value: 'Bonjour le monde' });
    expect(assertionFromString('equals: 42')).toEqual({ type: 'equals', value: '42' });
  });
});

describe('testFromCsvRow', () => {
  it('makes plain columns vars and reads the __ columns', () => {
    expect(
      testFromCsvRow({
        topic: 'ML',
        __expected1: 'contains: model',
        __expected2: 'llm-rubric: accurate about {{topic}}',
        __expected3: '',
        __description: 'ml row',
        __metric: 'quality',
        __threshold: '0.5',
        __prefix: 'P: ',
        '__metadata:category': 'tech',
        '__metadata:tags[]': 'ai,data\\,science',
        '__config:__expected2:threshold': '0.8',
      }),
    ).toEqual({
      vars: { topic: 'ML' },
      assert: [
        { type: 'contains', value: 'model', metric: 'quality' },
        { type: 'llm-rubric', value: 'accurate about {{topic}}', metric: 'quality', threshold: 0.8 },
      ],
      options: { prefix: 'P: ' },
      metadata: { category: 'tech', tags: ['ai', 'data,science'] },
      description: 'ml row',
      threshold: 0.5,
    });
  });
});
