// Secrets compared in constant time: both sides are hashed first, so neither the position of the
// first differing byte nor the length of the expected secret shows in how long a refusal takes.

import { createHash, timingSafeEqual } from 'node:crypto';

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether an Authorization header carries `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return sameSecret(match?.[1], token);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
