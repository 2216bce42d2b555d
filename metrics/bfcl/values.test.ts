// BFCL's per-argument rules on hand-worked values: string normalisation, the type check (int
// for float, nested element types), and list, dict and list-of-dict matching.

import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../datasets/bfcl/parse.ts';
import type { PyValue } from '../../datasets/bfcl/types.ts';
import { dictCheck, listCheck, listDictCheck, standardizeString, stringCheck, typeCheck } from './values.ts';

const j = (json: string) => parsePythonJson(json);
const list = (json: string) => parsePythonJson(json) as PyValue[];

describe('standardizeString', () => {
  it('deletes space , . / - _ * ^, lowercases, and turns single quotes into double', () => {
    expect(standardizeString("New York, N.Y./A-B_C*D^E 'x'")).toBe('newyorknyabcde"x"');
  });

  it('keeps tab, NBSP, ! ? : and parentheses', () => {
    expect(standardizeString('a\tb\u00a0c!?:()')).toBe('a\tb\u00a0c!?:()');
  });
});

describe('stringCheck', () => {
  it('matches after normalising both sides, against string values only', () => {
    expect(stringCheck('city', 'san-francisco.', ['San Francisco', ''])).toBeNull();
    expect(stringCheck('city', '  ', ['San Francisco', ''])).toBeNull(); // normalises to "", which is allowed
    expect(stringCheck('city', 'San Francisco!', ['San Francisco'])?.error_type).toBe('value_error:string');
  });
});

describe('typeCheck', () => {
  it('passes a value of the schema type and fails another with type_error:simple', () => {
    expect(typeCheck('n', 3n, [3n], 'integer', 'int', null)).toEqual({ failure: null, isVariable: false });
    expect(typeCheck('n', 3, [3n], 'integer', 'int', null).failure?.error_type).toBe('type_error:simple');
    expect(typeCheck('n', null, [3n], 'integer', 'int', null).failure?.error_type).toBe('type_error:simple');
  });

  it('fails [1, 2] for an array of float (no int-to-float inside lists): type_error:nested', () => {
    const failure = typeCheck('xs', list('[1, 2]'), list('[[1.0, 2.0]]'), 'array', 'list', 'float').failure;
    expect(failure).toEqual({
      error_type: 'type_error:nested',
      errors: ["Nested type checking failed for parameter 'xs'. Expected outer type array with inner type <class 'float'>. Parameter value: [1, 2]."],
    });
    expect(typeCheck('xs', list('[1.0, 2]'), list('[[1.0, 2.0]]'), 'array', 'list', 'float').failure?.error_type).toBe('type_error:nested');
    expect(typeCheck('xs', list('[1.0, 2.0]'), list('[[1.0, 2.0]]'), 'array', 'list', 'float').failure).toBeNull();
  });

  it('skips the element check when "" is an acceptable value', () => {
    expect(typeCheck('xs', list('[1, 2]'), list('[[1.0, 2.0], ""]'), 'array', 'list', 'float').failure).toBeNull();
  });

  it('accepts the answer\'s own type when it differs from the schema\'s ("variable")', () => {
    expect(typeCheck('n', 'x', ['', 'x'], 'integer', 'int', null)).toEqual({ failure: null, isVariable: true });
  });
});

describe('listCheck', () => {
  it('needs the same elements in the same order, strings normalised', () => {
    const allowed = list('[["New York", "Los Angeles"]]');
    expect(listCheck('cities', list('["new york", "LOS-ANGELES"]'), allowed)).toBeNull();
    expect(listCheck('cities', list('["Los Angeles", "New York"]'), allowed)?.error_type).toBe('value_error:list/tuple');
    expect(listCheck('cities', list('["New York"]'), allowed)?.error_type).toBe('value_error:list/tuple');
  });

  it('compares numbers as Python does (1 == 1.0) and reads an acceptable "" as the empty list', () => {
    expect(listCheck('xs', list('[1, 2]'), list('[[1.0, 2.0]]'))).toBeNull();
    expect(listCheck('xs', [], list('[[1, 2], ""]'))).toBeNull();
  });
});

describe('dictCheck', () => {
  const allowed = list('[{"department": ["Science"], "school": ["Bluebird High", "Bluebird HS"], "grade": [9, ""]}]');

  it('accepts normalised values and an omitted key that allows ""', () => {
    expect(dictCheck('filters', j('{"department": "science", "school": "bluebird hs"}'), allowed)).toBeNull();
  });

  it('rejects an extra key and a missing key (dict_key), and a wrong value (dict_value)', () => {
    expect(dictCheck('filters', j('{"department": "Science", "school": "Bluebird HS", "city": "x"}'), allowed)).toEqual({
      error_type: 'value_error:dict_key',
      errors: ["Unexpected dict key parameter: 'city'."],
    });
    expect(dictCheck('filters', j('{"department": "Science"}'), allowed)?.error_type).toBe('value_error:dict_key');
    expect(dictCheck('filters', j('{"department": "Art", "school": "Bluebird HS"}'), allowed)).toEqual({
      error_type: 'value_error:dict_value',
      errors: ["Invalid value for parameter 'department': 'Art'. Expected one of ['science']."],
    });
  });

  it('lets a missing key override an earlier dict_value failure, as BFCL does', () => {
    const failure = dictCheck('filters', j('{"department": "Art"}'), allowed);
    expect(failure?.error_type).toBe('value_error:dict_key');
    expect(failure?.errors).toHaveLength(2);
  });

  it('reports dict_checker:unclear when the only acceptable value is ""', () => {
    expect(dictCheck('filters', j('{"a": 1}'), [''])?.error_type).toBe('dict_checker:unclear');
  });
});

describe('listDictCheck', () => {
  const allowed = list('[[{"name": ["apple"], "qty": [2]}, {"name": ["pear"], "qty": [1, ""]}]]');

  it('matches dict by dict, in order', () => {
    expect(listDictCheck('items', list('[{"name": "Apple", "qty": 2}, {"name": "pear"}]'), allowed)).toBeNull();
    // The first dict fails on its value, and then on its missing qty, which overrides: dict_key.
    expect(listDictCheck('items', list('[{"name": "pear"}, {"name": "Apple", "qty": 2}]'), allowed)?.error_type).toBe('value_error:dict_key');
    expect(listDictCheck('items', list('[{"name": "apple", "qty": 3}, {"name": "pear"}]'), allowed)?.error_type).toBe('value_error:dict_value');
  });

  it('needs as many dicts as the acceptable list: value_error:list_dict_count', () => {
    expect(listDictCheck('items', list('[{"name": "apple", "qty": 2}]'), allowed)).toEqual({
      error_type: 'value_error:list_dict_count',
      errors: ['Wrong number of dictionaries in the list.'],
    });
  });

  it('lets the value be a dict per element only: a non-dict element fails', () => {
    expect(listDictCheck('items', list('["apple", {"name": "pear"}]'), allowed)?.error_type).toBe('value_error:dict_value');
  });
});
