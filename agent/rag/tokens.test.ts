// Tests of the cl100k_base token counter: known counts, agreement with js-tiktoken's own encoder on varied
// text, pieces that tile the text, and truncation to a budget.

import { describe, expect, it } from 'vitest';
import { bigDoc, prose } from './chunk/test-fixtures.ts';
import { countTokens, decodeTokens, encodeTokens, tokenPieces, truncateToTokens } from './tokens.ts';

describe('tokens (cl100k_base)', () => {
  it('counts known strings', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(encodeTokens('hello world')).toEqual([15339, 1917]);
    expect(countTokens('tiktoken is great!')).toBe(6);
    expect(countTokens('\n\n')).toBe(1);
    expect(countTokens('')).toBe(0);
    expect(decodeTokens(encodeTokens('héllo 世界'))).toBe('héllo 世界');
  });

  it('counts special-token strings as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBe(encodeTokens('<|endoftext|>').length);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('agrees with the library on varied text', () => {
    const samples = [
      bigDoc(2),
      'Billing > Refunds\n\nWithin 30 days.',
      "I'm here, you're there; they'll go.   Spaces   and\ttabs\r\n",
      '日本語のテキスト 👍🏽 émoji 한국어 Ελληνικά',
      'x'.repeat(200) + ' ' + '9'.repeat(50),
      '```\nconst a = [1, 2, 3].map((x) => x * 2);\n```',
    ];
    for (const s of samples) expect(countTokens(s)).toBe(encodeTokens(s).length);
  });

  it('pieces tile the text and sum to the count', () => {
    const s = 'Hello, world! 123456 ünïcode 👍🏽\n\n  indented';
    const pieces = tokenPieces(s);
    expect(pieces.map((p) => s.slice(p.start, p.end)).join('')).toBe(s);
    expect(pieces.reduce((n, p) => n + p.tokens, 0)).toBe(countTokens(s));
  });

  it('truncates to a token budget', () => {
    const s = prose(5);
    const t = truncateToTokens(s, 10);
    expect(s.startsWith(t)).toBe(true);
    expect(countTokens(t)).toBeLessThanOrEqual(10);
    expect(countTokens(t)).toBeGreaterThanOrEqual(8);
    expect(truncateToTokens('short', 10)).toBe('short');
  });
});
