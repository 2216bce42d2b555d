import { describe, expect, it } from 'vitest';
import { Case } from '../../datasets/case.ts';
import { capabilitiesOf } from '../providers/capabilities.ts';
import { resolveTarget } from '../targets.ts';
import { emptyTrace } from '../trace.ts';
import { storedTraceFor } from './imported.ts';

const stored = { ...emptyTrace('support-bot', 'final'), finalAnswer: 'Done.', latencyMs: 1234, toolCalls: [{ step: 1, id: 'c1', name: 'refund', arguments: { order: 7 }, result: 'ok', latencyMs: 20 }] };
const caseWith = (trace?: unknown) => Case.parse({ id: 'trace-1', category: 'imported', ...(trace === undefined ? { expected_contains: 'x', input: 'hi' } : { trace }) });

describe('the imported target', () => {
  it('is a free local policy that names no model', () => {
    expect(capabilitiesOf('imported')).toMatchObject({ free: true, local: true, generative: false, modelOptional: true, perCaseScript: false });
    expect(resolveTarget('imported').id).toBe('imported');
  });

  it("replays the case's stored trace as the attempt's, under the attempt's target", () => {
    const trace = storedTraceFor(resolveTarget('imported'), caseWith(stored));
    expect(trace).toEqual({ ...stored, target: 'imported' });
  });

  it('is an errored attempt, saying which, for a case with no trace or a trace that is not one', () => {
    expect(storedTraceFor(resolveTarget('imported'), caseWith())).toMatchObject({ stopReason: 'error', error: 'case trace-1 carries no trace: the imported target replays traces written by lunar import traces' });
    expect(storedTraceFor(resolveTarget('imported'), caseWith({ ...stored, latencyMs: 'slow' }))).toMatchObject({ stopReason: 'error', error: 'case trace-1: trace.latencyMs: Invalid input: expected number, received string' });
  });

  it('leaves every other target to run its agent', () => {
    expect(storedTraceFor(resolveTarget('baseline'), caseWith(stored))).toBeUndefined();
  });

  it('refuses to chat, saying what it is for', async () => {
    await expect(resolveTarget('imported').model(caseWith(stored)).chat({ messages: [] })).rejects.toThrow(/replays each case's stored trace and makes no model calls \(case trace-1\)/);
  });
});

describe('a case carrying a trace', () => {
  it('needs neither an input nor an expectation, but still at most one of input, messages, sessions', () => {
    expect(Case.safeParse({ id: 'a', category: 'imported', trace: stored }).success).toBe(true);
    expect(Case.safeParse({ id: 'a', category: 'imported', input: 'hi', messages: [{ role: 'user', content: 'hi' }], trace: stored }).success).toBe(false);
    expect(Case.safeParse({ id: 'a', category: 'k' }).success).toBe(false);
  });
});
