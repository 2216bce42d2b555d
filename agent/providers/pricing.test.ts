import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PriceFileError, costOf, isPriced, loadPriceOverrides, priceOf } from './pricing.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-prices-'));
function priceFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('price table', () => {
  it('prices a listed model per million tokens', () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million → 2,000 in + 1,000 out = 0.0003 + 0.0006.
    expect(costOf(priceOf('openai', 'gpt-4o-mini', {}, {}), { inputTokens: 2_000, outputTokens: 1_000 })).toBeCloseTo(0.0009, 12);
  });

  it('prices a dated snapshot as its family and local providers at zero', () => {
    expect(priceOf('openai', 'gpt-4o-mini-2024-07-18', {}, {})).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('openai', 'o4-mini-20250416', {}, {})).toEqual({ input: 1.1, output: 4.4 });
    expect(priceOf('openai', 'gpt-4o-0513', {}, {})).toEqual({ input: 2.5, output: 10 });
    expect(priceOf('ollama', 'qwen2.5:7b', {}, {})).toEqual({ input: 0, output: 0 });
  });

  it('prices only a trailing date as its family, never another suffix', () => {
    expect(priceOf('openai', 'gpt-4o-audio-preview-2024-12-17', {}, {})).toBeUndefined();
    expect(priceOf('openai', 'gpt-4o-audio-preview', {}, {})).toBeUndefined();
    expect(priceOf('openai', 'gpt-4o-mini-tts', {}, {})).toBeUndefined();
    expect(priceOf('openai', 'gpt-4o-2048', {}, {})).toBeUndefined(); // not a month and day
    expect(priceOf('gemini', 'gemini-2.5-flash-preview-05-20', {}, {})).toBeUndefined();
  });

  it('leaves an unknown model unpriced rather than guessing, and says so through isPriced', () => {
    expect(priceOf('openai', 'my-finetune', {}, {})).toBeUndefined();
    expect(costOf(undefined, { inputTokens: 10, outputTokens: 10 })).toBe(0);
    expect(isPriced('openai', 'my-finetune', {}, {})).toBe(false);
    expect(isPriced('openai', 'my-finetune', { 'openai:my-finetune': { input: 1, output: 1 } }, {})).toBe(true);
    expect(isPriced('openai', 'gpt-4o-mini-2024-07-18', {}, {})).toBe(true);
    expect(isPriced('ollama', 'anything:7b', {}, {})).toBe(true); // free is a price
  });

  it('takes overrides from options first, then from the LUNAR_PRICES file', () => {
    const file = priceFile('prices.json', { 'openai:my-finetune': { input: 0.3, output: 1.2 }, 'openai:gpt-4o-mini': { input: 1, output: 1 } });
    expect(priceOf('openai', 'my-finetune', {}, { LUNAR_PRICES: file })).toEqual({ input: 0.3, output: 1.2 });
    expect(priceOf('openai', 'my-finetune-2025-01-31', {}, { LUNAR_PRICES: file })).toEqual({ input: 0.3, output: 1.2 });
    expect(priceOf('openai', 'gpt-4o-mini', { 'openai:gpt-4o-mini': { input: 9, output: 9 } }, { LUNAR_PRICES: file })).toEqual({ input: 9, output: 9 });
  });
});

describe('LUNAR_PRICES files', () => {
  it('reads each path on its own, not the first one read for the whole process', () => {
    const a = priceFile('a.json', { 'openai:ft': { input: 1, output: 2 } });
    const b = priceFile('b.json', { 'openai:ft': { input: 3, output: 4 } });
    expect(priceOf('openai', 'ft', {}, { LUNAR_PRICES: a })).toEqual({ input: 1, output: 2 });
    expect(priceOf('openai', 'ft', {}, { LUNAR_PRICES: b })).toEqual({ input: 3, output: 4 });
    expect(loadPriceOverrides({ LUNAR_PRICES: b })).toEqual({ 'openai:ft': { input: 3, output: 4 } });
    expect(loadPriceOverrides({})).toEqual({});
  });

  it('rejects a malformed file up front in one line naming it', () => {
    const broken = priceFile('broken.json', '{"openai:ft": {"input": 1,');
    const wrong = priceFile('wrong.json', { 'openai:ft': { input: 'cheap', output: 1 } });
    const missing = join(dir, 'missing.json');
    for (const [path, says] of [
      [broken, 'not valid JSON'],
      [wrong, 'openai:ft.input'],
      [missing, 'cannot read it (ENOENT)'],
    ] as const) {
      const error = (() => {
        try {
          loadPriceOverrides({ LUNAR_PRICES: path });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(PriceFileError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain(says);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never throws at call time: a bad file leaves the built-in table in force', () => {
    const broken = priceFile('broken-at-call.json', 'not json at all');
    expect(priceOf('openai', 'gpt-4o-mini', {}, { LUNAR_PRICES: broken })).toEqual({ input: 0.15, output: 0.6 });
    expect(isPriced('openai', 'my-finetune', {}, { LUNAR_PRICES: broken })).toBe(false);
  });
});
