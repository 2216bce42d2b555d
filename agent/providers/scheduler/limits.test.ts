// The limits a lane runs under: the defaults by provider name and how configured limits override
// them, the check that refuses a limit no lane could run under, and a suite's `limits:` block as
// parsed and as merged across the suites of one run.

import { describe, expect, it } from 'vitest';
import { Limits, strictestLimits } from './limits.ts';
import { Scheduler } from './scheduler.ts';

describe('Scheduler lanes', () => {
  it('gives each provider a sensible default and lets configured limits override it', () => {
    const scheduler = new Scheduler({ providers: { openai: { rpm: 500 }, groq: { concurrency: 3, tpm: 6000 } } });
    expect(scheduler.limitsFor('ollama')).toEqual({ concurrency: 2, rpm: undefined, tpm: undefined });
    expect(scheduler.limitsFor('openai')).toEqual({ concurrency: 8, rpm: 500, tpm: undefined });
    expect(scheduler.limitsFor('gemini')).toEqual({ concurrency: 8, rpm: undefined, tpm: undefined });
    expect(scheduler.limitsFor('groq')).toEqual({ concurrency: 3, rpm: undefined, tpm: 6000 });
    expect(scheduler.limitsFor('baseline').concurrency).toBe(Infinity);
    expect(scheduler.limitsFor('scripted').concurrency).toBe(Infinity);

    const custom = new Scheduler({ defaults: { '*': { concurrency: 4 }, ollama: { concurrency: 1 } } });
    expect(custom.limitsFor('openai').concurrency).toBe(4);
    expect(custom.limitsFor('ollama').concurrency).toBe(1);
    expect(custom.limitsFor('baseline').concurrency).toBe(Infinity);
  });

  it('rejects limits that make no sense', () => {
    expect(() => new Scheduler({ providers: { openai: { concurrency: 0 } } })).toThrow(/openai: concurrency must be a whole number/);
    expect(() => new Scheduler({ providers: { openai: { concurrency: 1.5 } } })).toThrow(RangeError);
    expect(() => new Scheduler({ providers: { openai: { rpm: 0 } } })).toThrow(/rpm/);
    expect(() => new Scheduler({ providers: { openai: { tpm: -5 } } })).toThrow(/tpm/);
  });
});

describe('limits blocks', () => {
  it('parses a suite’s limits: block and rejects unknown fields and bad numbers', () => {
    expect(Limits.parse({ openai: { rpm: 500, tpm: 200_000 }, ollama: { concurrency: 1 } })).toEqual({
      openai: { rpm: 500, tpm: 200_000 },
      ollama: { concurrency: 1 },
    });
    expect(Limits.safeParse({ openai: { rpm: 0 } }).success).toBe(false);
    expect(Limits.safeParse({ openai: { rpm: 1.5 } }).success).toBe(false);
    expect(Limits.safeParse({ openai: { rps: 5 } }).success).toBe(false);
  });

  it('takes the strictest value of each field across suites', () => {
    expect(
      strictestLimits([{ openai: { rpm: 500, concurrency: 8 } }, undefined, { openai: { rpm: 100, tpm: 9000 }, groq: { tpm: 6000 } }]),
    ).toEqual({ openai: { rpm: 100, concurrency: 8, tpm: 9000 }, groq: { tpm: 6000 } });
  });
});
