// Secrets compared in constant time: both sides are hashed first, so neither the position of the
// first differing byte nor the length of the expected secret shows in how long a refusal takes.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

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

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and localhost: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^(0+:){7}0*1$/.test(h);
  return false;
}
