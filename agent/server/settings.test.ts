import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { isLoopback } from './auth.ts';
import { serveSettings } from './settings.ts';

const TOKEN = 'a-long-enough-token-0123456789';
const empty = () => mkdtempSync(join(tmpdir(), 'lunar-serve-settings-'));

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('serveSettings', () => {
  it('listens on 127.0.0.1:8787 with a 1 MiB body limit and no token by default', () => {
    const dir = empty();
    expect(serveSettings({ target: ['baseline'] }, {}, dir)).toEqual({ host: '127.0.0.1', port: 8787, targets: ['baseline'], allowedHosts: [], system: undefined, workspace: join(dir, 'datasets/workspace'), bodyLimit: 1_048_576 });
  });

  it('refuses a non-loopback address without a token, and takes one from LUNAR_SERVER_TOKEN', () => {
    expect(refusal(() => serveSettings({ target: ['baseline'], host: '0.0.0.0' }, {}, empty()))).toBe(
      'refusing to listen on 0.0.0.0 without a token: set LUNAR_SERVER_TOKEN (or "token" in lunar.server.json); every request must then carry "Authorization: Bearer <token>"',
    );
    expect(serveSettings({ target: ['baseline'], host: '0.0.0.0' }, { LUNAR_SERVER_TOKEN: TOKEN }, empty())).toMatchObject({ host: '0.0.0.0', token: TOKEN });
  });

  it('takes the token, host and other settings from lunar.server.json; the environment and flags win', () => {
    const dir = empty();
    writeFileSync(join(dir, 'lunar.server.json'), JSON.stringify({ host: '192.168.1.5', port: 9000, token: 'file-token-0123456789', target: 'baseline', body_limit: 4096, workspace: 'ws' }));
    expect(serveSettings({}, {}, dir)).toMatchObject({ host: '192.168.1.5', port: 9000, token: 'file-token-0123456789', bodyLimit: 4096, workspace: join(dir, 'ws') });
    expect(serveSettings({ port: 1234, bodyLimit: 10 }, { LUNAR_SERVER_TOKEN: TOKEN }, dir)).toMatchObject({ port: 1234, token: TOKEN, bodyLimit: 10 });
  });

  it('serves the targets given, the first the default, from --target (repeated) over the file, which may list them', () => {
    const dir = empty();
    writeFileSync(join(dir, 'lunar.server.json'), JSON.stringify({ target: ['baseline', 'openai:gpt-4o-mini'], allowed_hosts: ['Lunar.Example.com', '[::1]'] }));
    expect(serveSettings({}, {}, dir)).toMatchObject({ targets: ['baseline', 'openai:gpt-4o-mini'], allowedHosts: ['lunar.example.com', '::1'] });
    expect(serveSettings({ target: ['ollama:qwen2.5:7b', 'baseline', 'ollama:qwen2.5:7b'], allowedHost: ['proxy.local'] }, {}, dir)).toMatchObject({ targets: ['ollama:qwen2.5:7b', 'baseline'], allowedHosts: ['proxy.local'] });
    expect(refusal(() => serveSettings({ target: [] }, {}, empty()))).toMatch(/^no target: pass --target/);
  });

  it('refuses an allowed host that is not a plain name or address', () => {
    for (const bad of ['http://evil.example', 'evil.example:80', 'evil.example/path', '*', ''])
      expect(refusal(() => serveSettings({ target: ['baseline'], allowedHost: [bad] }, {}, empty()))).toBe(`--allowed-host ${JSON.stringify(bad)}: give a host name or an IP address, without scheme, port or path (e.g. lunar.example.com)`);
  });

  it('refuses a short token, saying how long it is and not what it is', () => {
    const message = refusal(() => serveSettings({ target: ['baseline'] }, { LUNAR_SERVER_TOKEN: 'hunter2' }, empty()));
    expect(message).toBe('the server token is 7 characters long; use at least 16 random ones (e.g. openssl rand -hex 24)');
  });

  it('names the line and field of a bad setting in lunar.server.json', () => {
    const dir = empty();
    writeFileSync(join(dir, 'lunar.server.json'), '{\n  "target": "baseline",\n  "port": "80"\n}\n');
    expect(refusal(() => serveSettings({}, {}, dir))).toBe(`${join(dir, 'lunar.server.json')}:3: port: Invalid input: expected number, received string`);
  });

  it('counts 127.0.0.0/8, ::1 and localhost as loopback, and nothing else', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });
});
