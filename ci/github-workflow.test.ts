import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main } from '../cli/main.ts';

const WORKFLOW = join(dirname(fileURLToPath(import.meta.url)), 'github-workflow.yml');
const REAL_ACTIONS = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4']);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

function workflow(): { on: Record<string, unknown>; jobs: Record<string, { 'runs-on': string; steps: Step[] }> } {
  return parse(readFileSync(WORKFLOW, 'utf8'));
}

/** The help text `lunar ... --help` prints, from the CLI itself (commander writes it to stdout). */
async function help(...command: string[]): Promise<string> {
  let text = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    expect(await main(['node', 'lunar', ...command, '--help'])).toBe(0);
  } finally {
    write.mockRestore();
  }
  return text;
}

/** The subcommand names listed under "Commands:" in a help text. */
function commandsIn(helpText: string): string[] {
  const section = helpText.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

/** Every `lunar …` invocation in the workflow's run steps: [subcommand words..., flags...]. */
function lunarInvocations(steps: Step[]): { words: string[]; flags: string[] }[] {
  const lines = steps.flatMap((s) => (s.run ?? '').split('\n'));
  return lines.flatMap((line) => {
    const found = line.match(/(?:npx|npm exec --) lunar((?:\s+\S+)*)/);
    if (!found) return [];
    const tokens = found[1]!.trim().split(/\s+/);
    const words: string[] = [];
    for (const t of tokens) {
      if (t.startsWith('-')) break;
      words.push(t);
    }
    return [{ words, flags: tokens.filter((t) => t.startsWith('--')) }];
  });
}

describe('ci/github-workflow.yml', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is valid YAML: one job on ubuntu that checks out, sets up Node 20, installs with npm ci, replays, uploads, summarises and gates', () => {
    const wf = workflow();
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    const jobs = Object.values(wf.jobs);
    expect(jobs).toHaveLength(1);
    const { steps, 'runs-on': runsOn } = jobs[0]!;
    expect(runsOn).toBe('ubuntu-latest');
    expect(steps[0]!.uses).toBe('actions/checkout@v4');
    expect(steps[1]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
    expect(steps[2]!.run).toBe('npm ci');
    const runs = steps.map((s) => s.run ?? '');
    const importAt = runs.findIndex((r) => /npx lunar cache import \S+\.jsonl/.test(r));
    const benchAt = runs.findIndex((r) => /npx lunar bench .*--cache replay/.test(r));
    const uploadAt = steps.findIndex((s) => s.uses === 'actions/upload-artifact@v4');
    const summaryAt = runs.findIndex((r) => /summary\.md >> "\$GITHUB_STEP_SUMMARY"/.test(r));
    const gateAt = runs.findIndex((r) => /^npx lunar gate\b/.test(r));
    // The recording is imported before the replay; report, summary and gate come after the run.
    expect(importAt).toBeGreaterThan(2);
    expect(benchAt).toBeGreaterThan(importAt);
    expect([uploadAt, summaryAt, gateAt].every((i) => i > benchAt)).toBe(true);
    expect(String(steps[uploadAt]!.with!.path)).toMatch(/report\.html/);
    // The report and summary are kept when the run or a gate fails: that is when they are read.
    for (const i of [uploadAt, summaryAt, gateAt]) expect(steps[i]!.if).toBe('success() || failure()');
  });

  it('uses only the real actions actions/checkout@v4, actions/setup-node@v4 and actions/upload-artifact@v4', () => {
    const uses = Object.values(workflow().jobs).flatMap((job) => job.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(REAL_ACTIONS.has(action), action).toBe(true);
  });

  it('runs only subcommands and options the lunar CLI registers', async () => {
    const invocations = lunarInvocations(Object.values(workflow().jobs).flatMap((job) => job.steps));
    expect(invocations.map((i) => i.words.join(' '))).toEqual(['cache import ci/recording.jsonl', 'bench', 'gate']);
    const top = commandsIn(await help());
    for (const { words, flags } of invocations) {
      expect(top, `lunar ${words[0]}`).toContain(words[0]);
      // A command with subcommands (cache): its next word must be one of them.
      const sub = commandsIn(await help(words[0]!));
      const command = sub.length ? [words[0]!, words[1]!] : [words[0]!];
      if (sub.length) expect(sub, `lunar ${command.join(' ')}`).toContain(words[1]);
      const options = await help(...command);
      for (const flag of flags) expect(options, `lunar ${command.join(' ')} ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}\\b`, 'm'));
    }
  });
});
