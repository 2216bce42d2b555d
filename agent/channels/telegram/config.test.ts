import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.ts';
import { parseListen, telegramSettings } from './config.ts';

const TOKEN = '7000000001:AAH-config-test-token-abcdefghijklmnop';
const env = { TELEGRAM_BOT_TOKEN: TOKEN };

function folderWith(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-telegram-config-'));
  writeFileSync(join(dir, 'lunar.telegram.json'), config);
  return dir;
}

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('telegramSettings', () => {
  it('refuses to start without TELEGRAM_BOT_TOKEN, naming the variable', () => {
    expect(refusal(() => telegramSettings({ target: 'baseline' }, {})).message).toBe(
      'TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token (export TELEGRAM_BOT_TOKEN=...)',
    );
  });

  it('refuses a token of the wrong shape without repeating it', () => {
    const error = refusal(() => telegramSettings({ target: 'baseline' }, { TELEGRAM_BOT_TOKEN: 'pasted-the-wrong-SECRET-thing' }));
    expect(error.message).toMatch(/^TELEGRAM_BOT_TOKEN does not look like a bot token/);
    expect(error.message).not.toContain('pasted-the-wrong-SECRET-thing');
  });

  it('reads lunar.telegram.json from the working folder; --allow adds to its list and flags win', () => {
    const dir = folderWith(JSON.stringify({ allowed_users: [1, 2], target: 'openai:gpt-4o-mini', system: 'from file', workspace: 'files' }));
    const settings = telegramSettings({ allow: [3], target: 'baseline' }, env, dir);
    expect([1, 2, 3, 4].map((id) => settings.allowlist.allows(id))).toEqual([true, true, true, false]);
    expect(settings).toMatchObject({ token: TOKEN, target: 'baseline', system: 'from file', workspace: join(dir, 'files'), configFile: join(dir, 'lunar.telegram.json') });
    expect(settings.webhook).toBeUndefined();
  });

  it('allows nobody when no list is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-telegram-none-'));
    const settings = telegramSettings({ target: 'baseline' }, env, dir);
    expect(settings.allowlist.size).toBe(0);
    expect(settings.allowlist.allows(1)).toBe(false);
    expect(settings.allowlist.allows(undefined)).toBe(false);
  });

  it('names the file, the line and the field of a bad setting', () => {
    const dir = folderWith('{\n  "allowed_users": [42],\n  "typing_every_ms": 10\n}\n');
    expect(refusal(() => telegramSettings({ target: 'baseline' }, env, dir)).message).toBe(
      `${join(dir, 'lunar.telegram.json')}:3: typing_every_ms: Too small: expected number to be >=1000`,
    );
    const ids = folderWith('{\n  "target": "baseline",\n  "allowed_users": [42, "7"]\n}\n');
    expect(refusal(() => telegramSettings({}, env, ids)).message).toBe(`${join(ids, 'lunar.telegram.json')}:3: allowed_users.1: Invalid input: expected number, received string`);
    const unknown = folderWith('{\n  "target": "baseline",\n  "allowed": [42]\n}\n');
    expect(refusal(() => telegramSettings({}, env, unknown)).message).toBe(`${join(unknown, 'lunar.telegram.json')}:3: allowed: Unrecognized key: "allowed"`);
  });

  it('names the line of a JSON syntax error', () => {
    const dir = folderWith('{\n  "target": "baseline",\n}\n');
    expect(refusal(() => telegramSettings({}, env, dir)).message).toMatch(new RegExp(`^${join(dir, 'lunar.telegram.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: \\(file\\): not valid JSON: `));
  });

  it('needs a target from a flag or the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-telegram-notarget-'));
    expect(refusal(() => telegramSettings({}, env, dir)).message).toMatch(/^no target: pass --target/);
  });

  it('takes only an https:// webhook, listening on 127.0.0.1:8443 with a fresh secret unless told otherwise', () => {
    expect(refusal(() => telegramSettings({ target: 'baseline', webhook: 'http://bot.example.com/hook' }, env)).message).toBe('--webhook: Telegram only posts to https:// addresses (got http://)');
    const settings = telegramSettings({ target: 'baseline', webhook: 'https://bot.example.com/tg/hook' }, env);
    expect(settings.webhook).toMatchObject({ url: 'https://bot.example.com/tg/hook', path: '/tg/hook', host: '127.0.0.1', port: 8443 });
    expect(settings.webhook!.secretToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const fixed = telegramSettings({ target: 'baseline', webhook: 'https://bot.example.com/h', listen: '0.0.0.0:9000' }, { ...env, TELEGRAM_WEBHOOK_SECRET: 'my_secret-1' });
    expect(fixed.webhook).toMatchObject({ host: '0.0.0.0', port: 9000, secretToken: 'my_secret-1' });
    expect(refusal(() => telegramSettings({ target: 'baseline', webhook: 'https://b.example.com/h' }, { ...env, TELEGRAM_WEBHOOK_SECRET: 'has space' })).message).toBe(
      'TELEGRAM_WEBHOOK_SECRET: Telegram takes 1 to 256 letters, digits, - and _',
    );
  });

  it('parses --listen as host:port, [ipv6]:port or a bare port', () => {
    expect(parseListen('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(() => parseListen('localhost:99999')).toThrow('--listen: expected host:port (e.g. 127.0.0.1:8443), got "localhost:99999"');
  });
});
