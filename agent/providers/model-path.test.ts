import { describe, expect, it } from 'vitest';
import { ScriptedModel } from './scripted.ts';
import { forAttempt } from './model-path.ts';
import { Scheduler } from './scheduler/scheduler.ts';

describe('forAttempt', () => {
  it('leaves the local policies alone: a scripted model is returned as it is', () => {
    const model = new ScriptedModel([{ text: 'hi' }]);
    expect(forAttempt(model, new Scheduler(), undefined, 0, 'c1')).toBe(model);
  });
});
