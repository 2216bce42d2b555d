// `lunar data pull` and `lunar data list` through the real `lunar` program, pulling from a
// loopback raw.githubusercontent.com (test/fakes/raw-github.ts) that serves the reference data
// found here: files land in <home>/data/<set>/ with the manifest's sha256, a tampered file or an
// unknown set is exit 2 with nothing written, an unreachable source exit 1.

import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REFERENCE_SETS } from '../datasets/reference/manifest.ts';
import { closedPortUrl } from '../test/fakes/openai-server.ts';
import { RawGithubFake } from '../test/fakes/raw-github.ts';
import { referenceData, upstreamFiles } from '../test/reference-data.ts';
import { registerDataCommands } from './data.ts';
import { main } from './main.ts';

// The fake serves the upstream files of llmbar and bfcl from the copy here.
const LLMBAR = referenceData('llmbar', upstreamFiles('llmbar'));
const BFCL = referenceData('bfcl', upstreamFiles('bfcl'));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let fake: RawGithubFake;
let home: string;
beforeAll(async () => {
  fake = await new RawGithubFake().start();
});
afterAll(() => fake.close());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lunar-data-pull-'));
  fake.requests.length = 0;
  fake.corrupt.clear();
  vi.stubEnv('LUNAR_HOME', home);
  vi.stubEnv('LUNAR_DATA_URL', fake.url);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(home, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function lunar(...args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    stderr += `${parts.join(' ')}\n`;
  });
  const code = await main(['node', 'lunar', 'data', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

/** Every file under a folder, relative to it, in name order. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe.skipIf(!LLMBAR.present || !BFCL.present)('lunar data pull', () => {
  it('fetches each upstream file at the pinned commit into <home>/data/<set>/ with its sha256, and fetches nothing the second time', async () => {
    const first = await lunar('pull', 'llmbar');
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/princeton-nlp/LLMBar/900616bff90b6c6c8e1681f7d079250637c55992/Dataset/LLMBar/Adversarial/Neighbor/dataset.json',
      '/princeton-nlp/LLMBar/900616bff90b6c6c8e1681f7d079250637c55992/Dataset/LLMBar/Natural/dataset.json',
    ]);
    const dir = join(home, 'data', 'llmbar');
    expect(filesUnder(dir)).toEqual(['adversarial_neighbor.json', 'natural.json']);
    for (const file of REFERENCE_SETS.llmbar.files) expect(sha256(join(dir, file.path))).toBe(file.sha256);
    expect(first.stdout).toMatch(/^llmbar: 2 upstream file\(s\) from princeton-nlp\/LLMBar@900616b \(http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(first.stdout).toContain('llmbar: 2 fetched (0.2 MB), 0 already there, every sha256 as the manifest says, in ');

    fake.requests.length = 0;
    const second = await lunar('pull', 'llmbar');
    expect(second.code).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(second.stdout).toContain('llmbar: 0 fetched (0.0 MB), 2 already there');
  });

  it('names the derived files it does not pull, and takes --from over $LUNAR_DATA_URL', async () => {
    vi.stubEnv('LUNAR_DATA_URL', await closedPortUrl());
    const ran = await lunar('pull', 'bfcl', '--from', fake.url);
    expect([ran.code, ran.stderr]).toEqual([0, '']);
    expect(filesUnder(join(home, 'data', 'bfcl'))).toEqual(upstreamFiles('bfcl').sort());
    expect(ran.stdout).toContain(
      'bfcl: 1 file(s) not pulled: derived by the project, not in ShishirPatil/gorilla; they come only with ../shared/data:\n' +
        "  checker_verdicts_dev.jsonl: BFCL's eval_checker/ast_checker.py run on decoded outputs written for this data\n",
    );
  });

  it('a file whose sha256 differs from the manifest: exit 2 naming it, and nothing written, not even the files that checked', async () => {
    fake.corrupt.add(fake.pathOf('llmbar', 'natural.json'));
    const ran = await lunar('pull', 'llmbar');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^lunar: llmbar\/natural\.json: http:\/\/127\.0\.0\.1:\d+\/princeton-nlp\/LLMBar\/900616b\w+\/Dataset\/LLMBar\/Natural\/dataset\.json gave sha256 [0-9a-f]{64}, the manifest says f7127b7a\w+; nothing written\n$/);
    // adversarial_neighbor.json was fetched and checked first, and is not there either.
    expect(fake.requests).toHaveLength(2);
    expect(filesUnder(join(home, 'data'))).toEqual([]);
  });

  it('an unknown set: exit 2 naming the sets, before fetching anything; tau-bench is tau_bench', async () => {
    const ran = await lunar('pull', 'llmbar', 'mmlu');
    expect(ran).toEqual({ code: 2, stdout: '', stderr: 'lunar: no reference data set "mmlu" (sets: bfcl, vaswani, tau_bench, llmbar, halueval, squad, trec_eval)\n' });
    expect(fake.requests).toEqual([]);
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('a source that does not answer or has no such file: exit 1 naming the URL, nothing written', async () => {
    const missing = await lunar('pull', 'llmbar', '--from', `${fake.url}/elsewhere`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^lunar: http:\/\/127\.0\.0\.1:\d+\/elsewhere\/princeton-nlp\/LLMBar\/\w+\/Dataset\/LLMBar\/Adversarial\/Neighbor\/dataset\.json: HTTP 404\n$/);
    const closed = await closedPortUrl();
    const refused = await lunar('pull', 'llmbar', '--from', closed);
    expect(refused).toEqual({ code: 1, stdout: expect.any(String), stderr: `lunar: ${closed}/princeton-nlp/LLMBar/900616bff90b6c6c8e1681f7d079250637c55992/Dataset/LLMBar/Adversarial/Neighbor/dataset.json: ECONNREFUSED\n` });
    expect(filesUnder(join(home, 'data'))).toEqual([]);
  });
});

describe.skipIf(!LLMBAR.present)('lunar data list', () => {
  async function list(sharedRoot: string): Promise<string[]> {
    let stdout = '';
    const program = new Command('lunar').exitOverride();
    registerDataCommands(program, () => home, { sharedRoot, output: { stdout: (s) => void (stdout += s), stderr: () => {} } });
    await program.parseAsync(['data', 'list'], { from: 'user' });
    return stdout.trimEnd().split('\n');
  }

  it('shows each set as shared, home or missing, with how many of its files are there and how to get the rest', async () => {
    const noShared = join(home, 'no-shared');
    expect(await lunar('pull', 'llmbar')).toMatchObject({ code: 0 });
    mkdirSync(join(home, 'data', 'squad'));
    const lines = await list(noShared);
    expect(lines).toHaveLength(7);
    expect(lines.find((l) => l.startsWith('llmbar '))).toMatch(/^llmbar {5}home {5}2\/2 files {4}\S*lunar-data-pull-\w+\/data\/llmbar$/);
    expect(lines.find((l) => l.startsWith('bfcl '))).toBe(
      'bfcl       missing  0/8 files    not here; to get the rest: lunar data pull bfcl; checker_verdicts_dev.jsonl is derived by the project and comes only with ../shared/data',
    );
    expect(lines.find((l) => l.startsWith('squad '))).toMatch(/^squad {6}home {5}0\/1 files .*; to get the rest: normans\.json is derived by the project and comes only with \.\.\/shared\/data$/);
  });

  it('finds the shared copy first', async () => {
    const lines = await list(join(LLMBAR.path, '..'));
    expect(lines.find((l) => l.startsWith('llmbar '))).toMatch(/^llmbar {5}shared {3}2\/2 files {4}\S+$/);
  });
});
