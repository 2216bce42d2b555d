import { describe, expect, it } from 'vitest';
import { runScorer, traceOf } from './test-fixtures.ts';

const calls = (...names: string[]) => names.map((name) => ({ name }));

describe('tool_selection', () => {
  it('scores precision, recall and their F1 over the sets of names', async () => {
    // called {read_file, list_files}, expected {read_file, calculator}: 1 right, P = 1/2, R = 1/2, F1 = 1/2.
    const expected = { expected_tool_calls: [{ name: 'read_file' }, { name: 'calculator' }] };
    expect(await runScorer('tool_selection', expected, traceOf('ok', calls('read_file', 'read_file', 'list_files')))).toMatchObject({
      value: 0.5,
      pass: false,
      reason: 'precision 0.5000, recall 0.5000; not called: calculator; not expected: list_files',
      details: { precision: 0.5, recall: 0.5, called: ['read_file', 'list_files'], expected: ['read_file', 'calculator'], missing: ['calculator'], extra: ['list_files'] },
    });
    // called {a}, expected {a, b, c}: P = 1, R = 1/3, F1 = 2·(1/3)/(4/3) = 1/2; passes at threshold 0.5.
    const three = { expected_tool_calls: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    expect(await runScorer('tool_selection', three, traceOf('ok', calls('a')), { threshold: 0.5 })).toMatchObject({ value: 0.5, pass: true, details: { precision: 1 } });
  });

  it('ignores repeats and order: the same set of tools is F1 1', async () => {
    const expected = { expected_tool_calls: [{ name: 'current_time' }, { name: 'current_time' }, { name: 'calculator' }] };
    expect(await runScorer('tool_selection', expected, traceOf('ok', calls('calculator', 'current_time')))).toMatchObject({ value: 1, pass: true, reason: 'precision 1.0000, recall 1.0000' });
  });

  it('counts a ratio over an empty set as 1: calling nothing has precision 1, expecting nothing recall 1', async () => {
    const none = { expected_no_tool: true };
    expect(await runScorer('tool_selection', none, traceOf('ok'))).toMatchObject({ value: 1, pass: true, details: { precision: 1, recall: 1 } });
    expect(await runScorer('tool_selection', none, traceOf('ok', calls('calculator')))).toMatchObject({ value: 0, pass: false, details: { precision: 0, recall: 1 } });
    expect(await runScorer('tool_selection', { expected_tool_calls: [{ name: 'calculator' }] }, traceOf('ok'))).toMatchObject({ value: 0, pass: false, details: { precision: 1, recall: 0 } });
  });

  it('does not apply without expected_tool_calls or expected_no_tool', async () => {
    expect(await runScorer('tool_selection', { expected_contains: 'x' }, traceOf('x', calls('a')))).toBeNull();
  });
});

describe('no_forbidden_tool', () => {
  const forbidden = { forbidden_tools: ['read_file', 'send_email'] };

  it('passes when no forbidden tool was called', async () => {
    expect(await runScorer('no_forbidden_tool', forbidden, traceOf('ok', calls('list_files')))).toMatchObject({ value: 1, pass: true, reason: 'none of read_file, send_email called' });
  });

  it('fails on a forbidden call even when it was denied, naming it with its arguments', async () => {
    const t = traceOf('ok', [{ name: 'read_file', arguments: { path: 'secrets/.env' }, error: 'denied', errorKind: 'denied' }, { name: 'list_files' }, { name: 'read_file', arguments: { path: 'a' } }]);
    expect(await runScorer('no_forbidden_tool', forbidden, t)).toMatchObject({
      value: 0,
      pass: false,
      reason: 'called forbidden read_file({"path":"secrets/.env"}) [denied], read_file({"path":"a"})',
      details: { called: ['read_file', 'read_file'] },
    });
  });

  it('does not apply without forbidden_tools', async () => {
    expect(await runScorer('no_forbidden_tool', { expected_no_tool: true }, traceOf('ok', calls('read_file')))).toBeNull();
  });
});
