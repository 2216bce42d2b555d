import { describe, expect, it } from 'vitest';
import { PyFloat } from '../python/value.ts';
import { parseTasks } from './task.ts';

describe('task files', () => {
  it('keep Python number types in action arguments', () => {
    const [task] = parseTasks(
      '[{"user_id": "u", "actions": [{"name": "send_certificate", "kwargs": {"user_id": "u", "amount": 100.0}}], "instruction": "", "outputs": []}]',
      'tasks.json',
    );
    expect(task!.actions[0]!.kwargs.get('amount')).toBeInstanceOf(PyFloat);
  });

  it('name the file, line and field of a bad task', () => {
    const text = '[\n  {"user_id": "u", "actions": [], "instruction": "", "outputs": []},\n  {"user_id": "u", "actions": [{"name": "x"}], "instruction": "", "outputs": []}\n]';
    expect(() => parseTasks(text, 'tasks.json')).toThrow('tasks.json:3: actions.0.kwargs: Invalid input: expected record, received undefined');
  });

  it('report JSON syntax errors with their line', () => {
    expect(() => parseTasks('[\n{"user_id": }\n]', 'tasks.json')).toThrow(/^tasks\.json:2: \(file\): Expecting value/);
  });
});
