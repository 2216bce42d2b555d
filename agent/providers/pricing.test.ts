import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from './pricing.ts';

describe('price table', () => {
  it('prices a listed model per million tokens', () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million → 2,000 in + 1,000 out = 0.0003 + 0.0006.
    expect(costOf(priceOf('openai', 'gpt-4o-mini', {}, {}), { inputTokens: 2_000, outputTokens: 1_000 })).toBeCloseTo(0.0009, 12);
  });

  it('prices a dated snapshot as its family and local providers at zero', () => {
    expect(priceOf('openai', 'gpt-4o-mini-2024-07-18', {}, {})).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('ollama', 'qwen2.5:7b', {}, {})).toEqual({ input: 0, output: 0 });
  });

  it('leaves an unknown model unpriced rather than guessing', () => {
    expect(priceOf('openai', 'my-finetune', {}, {})).toBeUndefined();
    expect(costOf(undefined, { inputTokens: 10, outputTokens: 10 })).toBe(0);
  });

  it('takes overrides from options first, then from the LUNAR_PRICES file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lunar-prices-')), 'prices.json');
    writeFileSync(file, JSON.stringify({ 'openai:my-finetune': { input: 0.3, output: 1.2 }, 'openai:gpt-4o-mini': { input: 1, output: 1 } }));
    expect(priceOf('openai', 'my-finetune', {}, { LUNAR_PRICES: file })).toEqual({ input: 0.3, output: 1.2 });
    expect(priceOf('openai', 'gpt-4o-mini', { 'openai:gpt-4o-mini': { input: 9, output: 9 } }, { LUNAR_PRICES: file })).toEqual({ input: 9, output: 9 });
  });
});
