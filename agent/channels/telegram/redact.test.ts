import { describe, expect, it } from 'vitest';
import { describeError, withoutToken } from './redact.ts';

const TOKEN = '7000000001:AAH-redact-test-token-abcdefghijkl';

describe('withoutToken', () => {
  it('removes the token wherever it is, and any Bot API URL token', () => {
    expect(withoutToken(`request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed`, TOKEN)).toBe('request to http://127.0.0.1:1/bot[redacted]/sendMessage failed');
    expect(withoutToken('see https://api.telegram.org/bot123:other_token-x/getMe', TOKEN)).toBe('see https://api.telegram.org/bot[redacted]/getMe');
    expect(withoutToken(`token=${TOKEN}`, TOKEN)).not.toContain('AAH-redact');
  });

  it("describes an error by its message on one line, never its cause's", () => {
    const error = new Error(`Network request\nfailed for bot${TOKEN}`, { cause: new Error(`http://x/bot${TOKEN}/getMe`) });
    expect(describeError(error, TOKEN)).toBe('Network request failed for bot[redacted]');
  });
});
