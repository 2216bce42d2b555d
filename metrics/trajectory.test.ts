import { describe, expect, it } from 'vitest';
import { optionsError, runScorer, traceOf, type CallSpec } from './test-fixtures.ts';

const REFERENCE = {
  expected_tool_calls: [
    { name: 'search_knowledge', arguments: { query: 'refund policy' } },
    { name: 'read_file', arguments: { path: 'a.md' } },
    { name: 'read_file', arguments: { path: 'b.md' } },
  ],
};
const search: CallSpec = { name: 'search_knowledge', arguments: { query: 'Refund Policy' } };
const readA: CallSpec = { name: 'read_file', arguments: { path: './a.md' } };
const readB: CallSpec = { name: 'read_file', arguments: { path: 'b.md' } };
const calc: CallSpec = { name: 'calculator', arguments: { expression: '1+1' } };

const verdict = async (mode: string, made: CallSpec[], compareArgs = false, fields: Record<string, unknown> = REFERENCE) =>
  (await runScorer('trajectory', fields, traceOf('ok', made), { mode, compare_args: compareArgs }))?.pass ?? null;

describe('trajectory, mode strict (the default)', () => {
  it('passes the same calls in the same order and fails any other order or length', async () => {
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [search, readA, readB]))).toMatchObject({ value: 1, pass: true, reason: 'the 3 expected call(s), in order' });
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [readA, search, readB]))).toMatchObject({
      value: 0,
      pass: false,
      reason: 'call 1: expected search_knowledge, made read_file',
      details: { mismatch_at: 0 },
    });
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [search, readA]))).toMatchObject({
      pass: false,
      reason: 'expected 3 call(s) [search_knowledge, read_file, read_file], made 2 [search_knowledge, read_file]',
      details: { mismatch_at: 2 },
    });
  });

  it('with compare_args, also needs each call\'s expected arguments (leniently: case, ./ prefix)', async () => {
    expect(await verdict('strict', [search, readA, readB], true)).toBe(true);
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [search, readB, readA]), { compare_args: true })).toMatchObject({
      pass: false,
      reason: 'call 2: expected read_file({"path":"a.md"}), made read_file({"path":"b.md"})',
    });
    // Names alone, the swapped reads are the same trajectory.
    expect(await verdict('strict', [search, readB, readA])).toBe(true);
  });
});

describe('trajectory, mode unordered', () => {
  it('passes the same multiset of calls in any order, and counts repeats', async () => {
    expect(await verdict('unordered', [readB, search, readA])).toBe(true);
    // One read_file short, or one too many: a different multiset.
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [readA, search]), { mode: 'unordered' })).toMatchObject({ pass: false, reason: 'not made: read_file', details: { missing: ['read_file'], extra: [] } });
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [readA, search, readB, readA]), { mode: 'unordered' })).toMatchObject({ pass: false, reason: 'not expected: read_file', details: { missing: [], extra: ['read_file'] } });
  });

  it('with compare_args, pairs calls with expectations by their arguments', async () => {
    expect(await verdict('unordered', [readB, search, readA], true)).toBe(true);
    // Two reads of a.md: b.md is never read, and one a.md read is left over.
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [readA, search, readA]), { mode: 'unordered', compare_args: true })).toMatchObject({
      pass: false,
      reason: 'not made: read_file({"path":"b.md"}); not expected: read_file({"path":"./a.md"})',
    });
  });
});

describe('trajectory, mode subset', () => {
  it('passes when every call made is in the reference (as a multiset), however few', async () => {
    expect(await verdict('subset', [search])).toBe(true);
    expect(await verdict('subset', [readB, readA])).toBe(true);
    expect(await verdict('subset', [])).toBe(true);
    // A second search: the reference has one.
    expect(await verdict('subset', [search, search])).toBe(false);
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [search, calc]), { mode: 'subset' })).toMatchObject({ value: 0, pass: false, reason: 'not expected: calculator' });
  });
});

describe('trajectory, mode superset', () => {
  it('passes when every reference call was made (as a multiset), extras allowed', async () => {
    expect(await runScorer('trajectory', REFERENCE, traceOf('ok', [calc, readB, search, readA]), { mode: 'superset' })).toMatchObject({
      value: 1,
      pass: true,
      reason: 'superset match: 3 of 4 call(s) paired with 3 expected',
      details: { extra: ['calculator'] },
    });
    // One read_file where two are expected.
    expect(await verdict('superset', [search, readA, calc])).toBe(false);
  });

  it('with compare_args, pairs by maximum matching, not first fit', async () => {
    // First fit gives {path: a} the first call and leaves {path: a, start_line: 1} without one; a matching pairs both.
    const fields = { expected_tool_calls: [{ name: 'read_file', arguments: { path: 'a' } }, { name: 'read_file', arguments: { path: 'a', start_line: 1 } }] };
    const made: CallSpec[] = [{ name: 'read_file', arguments: { path: 'a', start_line: 1 } }, { name: 'read_file', arguments: { path: 'a' } }];
    expect(await verdict('superset', made, true, fields)).toBe(true);
    expect(await verdict('superset', made.slice(1), true, fields)).toBe(false);
  });
});

describe('trajectory with expected_no_tool', () => {
  it('treats the reference as empty: strict, unordered and subset need no call; superset does not apply', async () => {
    const none = { expected_no_tool: true };
    for (const mode of ['strict', 'unordered', 'subset']) {
      expect(await verdict(mode, [], false, none)).toBe(true);
      expect(await verdict(mode, [calc], false, none)).toBe(false);
    }
    expect(await verdict('superset', [calc], false, none)).toBeNull();
  });

  it('does not apply to a case without tool expectations, and refuses an unknown mode', async () => {
    expect(await verdict('strict', [calc], false, { expected_contains: 'x' })).toBeNull();
    expect(optionsError('trajectory', { mode: 'loose' })!.message).toBe('trajectory: options: mode: Invalid option: expected one of "strict"|"unordered"|"subset"|"superset"');
  });
});
