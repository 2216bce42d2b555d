import { describe, expect, it } from 'vitest';
import { findSecret, luhn } from './secrets.ts';

describe('findSecret', () => {
  it('finds a password, PIN or code given as a value, and names its kind without the value', () => {
    expect(findSecret('Remember my wifi password: Tr0ub4dor&3')).toEqual({ kind: 'a password' });
    expect(findSecret('the wifi password for the guest network is Blue-Otter-42')).toEqual({ kind: 'a password' });
    expect(findSecret('I changed my password to hunter2 yesterday')).toEqual({ kind: 'a password' });
    expect(findSecret('My bank PIN is 4921.')).toEqual({ kind: 'a PIN' });
    expect(findSecret('The door code is 7741#')).toEqual({ kind: 'a door code' });
    expect(findSecret('note that my passphrase is correcthorsebatterystaple')).toEqual({ kind: 'a password' });
    expect(findSecret('api_key = "abc123"')).toEqual({ kind: 'an api key' });
  });

  it('finds provider keys, tokens, private keys and card numbers by their shape alone', () => {
    expect(findSecret('use sk-proj-AbCdEf0123456789xyz for the demo')).toEqual({ kind: 'an API key (sk-…)' });
    expect(findSecret('token ghp_CANARY18132080ac586deeXYZ1')).toEqual({ kind: 'a GitHub token' });
    expect(findSecret('AKIAIOSFODNN7EXAMPLE is the key id')).toEqual({ kind: 'an AWS access key' });
    expect(findSecret('-----BEGIN OPENSSH PRIVATE KEY-----')).toEqual({ kind: 'a private key' });
    expect(findSecret('my card is 4111 1111 1111 1111, expires 12/29')).toEqual({ kind: 'a card number' });
  });

  it('stores notes that only mention credentials or hold ordinary numbers', () => {
    for (const note of [
      'The wifi password is in the password manager.',
      'My password is stored in Bitwarden.',
      'I need to reset my password to get into the portal.',
      'The secret is cardamom.',
      'I use a password manager called 1Password.',
      'My phone number ends in 4821 and my flat is number 12.',
      'Order 4111 1111 1111 1112 shipped',
      'My cat is called Miso.',
    ]) {
      expect({ note, found: findSecret(note) }).toEqual({ note, found: undefined });
    }
  });
});

describe('luhn', () => {
  it('accepts the Visa test number and rejects it with the last digit changed', () => {
    // From the right, every second digit doubled: seven 1s → 14, the 4 → 8; the eight undoubled 1s → 8; 30 ≡ 0 (mod 10).
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
  });
});
