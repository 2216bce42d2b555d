import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { referenceData } from '../test/reference-data.ts';
import { registerTauCommands } from './tau.ts';

const data = referenceData('tau_bench');
const DATA = data.path;
const present = data.present;

async function tau(args: string[]): Promise<string> {
  let stdout = '';
  const program = new Command('lunar').exitOverride();
  registerTauCommands(program, { stdout: (text) => void (stdout += text) });
  await program.parseAsync(['node', 'lunar', 'tau', 'check', ...args]);
  return stdout;
}

const golden = (name: string) => readFileSync(join(DATA, 'goldens', name), 'utf8');

describe.skipIf(!present)('lunar tau check against τ-bench’s own recordings', () => {
  it('replays every retail train and dev task to the golden line, byte for byte (observations, state difference, state hash)', async () => {
    expect(await tau(['--domain', 'retail', '--tasks', join(DATA, 'retail', 'tasks.train.json'), '--data', DATA, '--hash'])).toBe(golden('retail.replay.train.jsonl'));
    expect(await tau(['--domain', 'retail', '--tasks', join(DATA, 'retail', 'tasks.dev.json'), '--data', DATA, '--hash'])).toBe(golden('retail.replay.dev.jsonl'));
  });

  it('replays airline tasks 0–24 to the golden lines, and prints the goldens’ three fields without --hash', async () => {
    const lines = (await tau(['--domain', 'airline', '--tasks', join(DATA, 'airline', 'tasks.test.json'), '--data', DATA, '--hash'])).split('\n');
    expect(lines.slice(0, 25).join('\n') + '\n').toBe(golden('airline.replay.dev.jsonl'));
    const plain = JSON.parse((await tau(['--domain', 'airline', '--tasks', join(DATA, 'airline', 'tasks.test.json'), '--data', DATA])).split('\n')[0]!);
    expect(Object.keys(plain)).toEqual(['task_index', 'observations', 'final_state_diff']);
  });

  it('re-scores all 100 GPT-4o airline trajectories to their recorded rewards', async () => {
    const out = await tau(['--domain', 'airline', '--tasks', join(DATA, 'airline', 'tasks.test.json'), '--data', DATA, '--trajectories', join(DATA, 'goldens', 'gpt-4o-airline.trajectories.dev.json')]);
    expect(out).toBe(golden('gpt-4o-airline.trajectories.dev.rewards.jsonl'));
  });
});

describe('lunar tau check: bad input', () => {
  it('names a data folder that is not there, and a task file line that does not fit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-tau-'));
    await expect(tau(['--domain', 'retail', '--tasks', join(dir, 'tasks.json'), '--data', join(dir, 'nowhere')])).rejects.toThrow(InputError);
    await expect(tau(['--domain', 'retail', '--tasks', join(dir, 'tasks.json'), '--data', join(dir, 'nowhere')])).rejects.toThrow(/--data: .*nowhere\/retail is not here/);
    if (!present) return;
    const tasks = join(dir, 'tasks.json');
    writeFileSync(tasks, '[\n  {"user_id": "u", "actions": [], "instruction": "x", "outputs": []},\n  {"user_id": 3, "actions": [], "instruction": "x", "outputs": []}\n]\n');
    await expect(tau(['--domain', 'retail', '--tasks', tasks, '--data', DATA])).rejects.toThrow(new RegExp(`^${tasks}:3: `));
  });
});
