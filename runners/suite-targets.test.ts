import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from './suite.ts';

function suite(targets: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-suite-targets-'));
  writeFileSync(join(dir, 'cases.jsonl'), '{"id":"a","category":"c","input":"hi"}\n');
  writeFileSync(join(dir, 'agent.yaml'), 'url: http://127.0.0.1:1/chat\n');
  writeFileSync(join(dir, 's.yaml'), `name: s\ndataset: cases.jsonl\nscorers: [answer_contains]\ntargets:\n${targets}\n`);
  return join(dir, 's.yaml');
}

describe("a suite's targets", () => {
  it('keeps ids in order and resolves each external agent against the suite folder', () => {
    const file = suite('  - baseline\n  - module:./agents/a.ts#reply\n  - id: svc\n    exec: { command: python3, args: [agent.py], cwd: tools }\n  - exec:./run.sh --fast');
    const loaded = loadSuite(file);
    const dir = join(file, '..');
    expect(loaded.targets).toEqual(['baseline', 'module:./agents/a.ts#reply', 'svc', 'exec:./run.sh --fast']);
    expect(Object.fromEntries(loaded.externalTargets!)).toEqual({
      'module:./agents/a.ts#reply': { kind: 'module', path: join(dir, 'agents', 'a.ts'), export: 'reply' },
      svc: { kind: 'exec', settings: { command: 'python3', args: ['agent.py'], cwd: 'tools', env: {} }, cwd: join(dir, 'tools'), shell: false },
      'exec:./run.sh --fast': { kind: 'exec', settings: { command: './run.sh --fast', env: {} }, cwd: dir, shell: true },
    });
  });

  it('refuses a block with two kinds, an id that is a provider, and an http file that is not there, naming the field', () => {
    expect(() => loadSuite(suite('  - id: x\n    module: a.ts\n    exec: b'))).toThrow(/targets\.0: give exactly one of http, module or exec/);
    expect(() => loadSuite(suite('  - id: baseline\n    module: a.ts'))).toThrow(/targets\.0\.id: "baseline" is a provider's name: give the agent another id/);
    expect(() => loadSuite(suite('  - http:./nope.yaml'))).toThrow(/targets\[0\]: .*nope\.yaml: cannot read the http target \(ENOENT\)/);
  });

  it('reads an http target file with its fields checked', () => {
    const file = suite('  - http:./agent.yaml');
    expect(loadSuite(file).externalTargets!.get('http:./agent.yaml')).toMatchObject({ kind: 'http', settings: { url: 'http://127.0.0.1:1/chat', method: 'POST', stream: false } });
    writeFileSync(join(file, '..', 'agent.yaml'), 'url: http://x/chat\nanswr: text\n');
    expect(() => loadSuite(file)).toThrow(/agent\.yaml: \(http target\): Unrecognized key: "answr"/);
  });
});
