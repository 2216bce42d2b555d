import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binEntry, ensurePeer, npmReason, PEER_MARKER, PeerError, peerDir } from './peers.ts';

// A stand-in for npm: records its arguments and working folder, then lays out
// node_modules/promptfoo as `npm install` would, unless FAKE_NPM_FAIL is set.
const FAKE_NPM = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify({ cwd: process.cwd(), args: process.argv.slice(2) }) + '\\n');
if (process.env.FAKE_NPM_FAIL) {
  console.error('npm error code E404');
  console.error('npm error 404 Not Found - GET https://registry.npmjs.org/promptfoo - Not found');
  process.exit(1);
}
const pkg = path.join(process.cwd(), 'node_modules', 'promptfoo');
fs.mkdirSync(path.join(pkg, 'dist', 'src'), { recursive: true });
fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'promptfoo', bin: { promptfoo: 'dist/src/entrypoint.js', pf: 'dist/src/entrypoint.js' } }));
fs.writeFileSync(path.join(pkg, 'dist', 'src', 'entrypoint.js'), '');
`;

describe('ensurePeer', () => {
  let root: string;
  let npm: string;
  let calls: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lunar-peers-'));
    npm = join(root, 'fake-npm.cjs');
    writeFileSync(npm, FAKE_NPM);
    chmodSync(npm, 0o755);
    calls = join(root, 'npm-calls.jsonl');
    env = { ...process.env, FAKE_NPM_LOG: calls };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const npmCalls = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { cwd: string; args: string[] }) : []);

  it('installs the pinned version into its own folder with a private package.json and returns its bin', async () => {
    const entry = await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env });
    const dir = peerDir('promptfoo', '0.121.9', join(root, 'peers'));
    expect(entry).toBe(join(dir, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js'));
    expect(npmCalls()).toEqual([{ cwd: dir, args: ['install', '--no-audit', '--no-fund', '--omit=dev', 'promptfoo@0.121.9'] }]);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ private: true });
    expect(JSON.parse(readFileSync(join(dir, PEER_MARKER), 'utf8'))).toMatchObject({ name: 'promptfoo', version: '0.121.9' });
  });

  it('reuses a complete install without running npm again', async () => {
    const first = await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env });
    const second = await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env });
    expect(second).toBe(first);
    expect(npmCalls()).toHaveLength(1);
  });

  it('redoes an install that has no marker (it did not finish)', async () => {
    const dir = peerDir('promptfoo', '0.121.9', join(root, 'peers'));
    await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env });
    rmSync(join(dir, PEER_MARKER));
    writeFileSync(join(dir, 'leftover'), 'half-finished');
    await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env });
    expect(npmCalls()).toHaveLength(2);
    expect(existsSync(join(dir, 'leftover'))).toBe(false);
    expect(existsSync(join(dir, PEER_MARKER))).toBe(true);
  });

  it('fails with one line naming the package and npm’s error, and leaves no marker', async () => {
    const failure = await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm, env: { ...env, FAKE_NPM_FAIL: '1' } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PeerError);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^promptfoo@0\.121\.9: npm install failed \(exit 1\) in .*: 404 Not Found/);
    expect(existsSync(join(peerDir('promptfoo', '0.121.9', join(root, 'peers')), PEER_MARKER))).toBe(false);
  });

  it('says so in one line when npm cannot be started', async () => {
    const failure = await ensurePeer('promptfoo', '0.121.9', join(root, 'peers'), { npm: join(root, 'no-such-npm'), env }).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/^promptfoo@0\.121\.9: cannot run .*no-such-npm \(ENOENT\)$/);
  });

  it('reads a string bin as well as a bin map, and says when there is no package.json', () => {
    const dir = join(root, 'pkg');
    expect(() => binEntry(dir, 'tool')).toThrow(/^tool: cannot read .*package\.json after install \(ENOENT\)$/);
    mkdirSync(join(dir, 'node_modules', 'tool'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'tool', 'package.json'), JSON.stringify({ name: 'tool', bin: 'cli.js' }));
    expect(binEntry(dir, 'tool')).toBe(join('node_modules', 'tool', 'cli.js'));
    writeFileSync(join(dir, 'node_modules', 'tool', 'package.json'), JSON.stringify({ name: 'tool' }));
    expect(() => binEntry(dir, 'tool')).toThrow('tool: its package.json names no bin');
  });
});

describe('npmReason', () => {
  it('picks the line that says what happened, with its code', () => {
    expect(
      npmReason([
        'npm error code ENOTFOUND',
        'npm error syscall getaddrinfo',
        'npm error errno ENOTFOUND',
        'npm error network request to https://registry.npmjs.org/promptfoo failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
        'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log',
      ]),
    ).toBe('network request to https://registry.npmjs.org/promptfoo failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org');
    expect(npmReason(['npm error code E404', 'npm error 404 Not Found - GET https://registry.npmjs.org/x'])).toBe('404 Not Found - GET https://registry.npmjs.org/x (E404)');
    expect(npmReason(['something odd', ''])).toBe('something odd');
  });
});

describe('ensurePeer install lock', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lunar-peers-lock-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes over a lock left by a process that is gone, and waits for a live one', async () => {
    const npm = join(root, 'fake-npm.cjs');
    writeFileSync(npm, FAKE_NPM);
    chmodSync(npm, 0o755);
    const env = { ...process.env, FAKE_NPM_LOG: join(root, 'calls.jsonl') };
    const peers = join(root, 'peers');
    const lock = `${peerDir('promptfoo', '0.121.9', peers)}.installing`;
    mkdirSync(peers, { recursive: true });
    writeFileSync(lock, '999999999');
    await expect(ensurePeer('promptfoo', '0.121.9', peers, { npm, env })).resolves.toMatch(/entrypoint\.js$/);
    expect(existsSync(lock)).toBe(false);

    // This process holds it: a second installer gives up after its wait, in one line.
    rmSync(join(peerDir('promptfoo', '0.121.9', peers), PEER_MARKER));
    writeFileSync(lock, String(process.pid));
    await expect(ensurePeer('promptfoo', '0.121.9', peers, { npm, env, lockWaitMs: 0 })).rejects.toThrow(/^promptfoo@0\.121\.9: another install \(pid \d+\) still holds .*\.installing; wait for it/);
  });
});
