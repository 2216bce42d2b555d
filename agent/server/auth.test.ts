import { describe, expect, it } from 'vitest';
import { bearerMatches, sameSecret } from './auth.ts';

describe('secret comparison', () => {
  it('matches only the same secret, whatever the lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('abcd', 'abc')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
  });

  it('reads "Bearer <token>" (any case, spaces around), and nothing else', () => {
    expect(bearerMatches('Bearer t0ken', 't0ken')).toBe(true);
    expect(bearerMatches('bearer   t0ken ', 't0ken')).toBe(true);
    expect(bearerMatches('Basic t0ken', 't0ken')).toBe(false);
    expect(bearerMatches('t0ken', 't0ken')).toBe(false);
    expect(bearerMatches('Bearer t0ken extra', 't0ken')).toBe(false);
    expect(bearerMatches(undefined, 't0ken')).toBe(false);
  });
});
