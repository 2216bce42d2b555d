import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { isLoopback } from '../../agent/server/auth.ts';
import { checkBind, tokenAllowed } from './access.ts';

describe('isLoopback', () => {
  it('takes 127.0.0.0/8, ::1 and localhost as loopback, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', '128.0.0.1', '::ffff:10.0.0.1', 'localhost.evil.com']) expect(isLoopback(host), host).toBe(false);
  });
});

describe('checkBind', () => {
  it('refuses a non-loopback address without a token, and an empty token anywhere', () => {
    expect(() => checkBind('127.0.0.1', undefined)).not.toThrow();
    expect(() => checkBind('0.0.0.0', 'a-token')).not.toThrow();
    expect(() => checkBind('0.0.0.0', undefined)).toThrow(InputError);
    expect(() => checkBind('127.0.0.1', '  ')).toThrow('--token / LUNAR_VIEW_TOKEN: the token is empty; give a long random string');
  });
});

describe('tokenAllowed', () => {
  it('accepts the token as a bearer header or a single ?token= value, and nothing close to it', () => {
    expect(tokenAllowed({ authorization: 'Bearer abc123' }, 'abc123')).toBe(true);
    expect(tokenAllowed({ authorization: 'bearer abc123' }, 'abc123')).toBe(true);
    expect(tokenAllowed({ queryToken: 'abc123' }, 'abc123')).toBe(true);
    expect(tokenAllowed({ authorization: 'Bearer abc124' }, 'abc123')).toBe(false);
    expect(tokenAllowed({ authorization: 'Basic abc123' }, 'abc123')).toBe(false);
    expect(tokenAllowed({ queryToken: 'abc12' }, 'abc123')).toBe(false);
    expect(tokenAllowed({ queryToken: ['abc123', 'abc123'] }, 'abc123')).toBe(false);
    expect(tokenAllowed({}, 'abc123')).toBe(false);
  });
});
