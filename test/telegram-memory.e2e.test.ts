// The Telegram channel over agent/memory's store, end to end: `lunar telegram` on a fake Bot API
// on loopback with each chat's transcript and memory on disk (a fact told, /reset, asked again
// and found in memory; /memory showing it), a restarted bot resuming each chat where it was, and
// the memory dataset replayed through the channel giving the baseline the verdicts
// suites/memory.yaml gives it straight into the agent.

import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { memoryConversations, withMemoryTools } from '../agent/channels/memory-turn.ts';
import { Allowlist } from '../agent/channels/telegram/allowlist.ts';
import { createTelegramChannel } from '../agent/channels/telegram/channel.ts';
import { replayThroughTelegram } from '../agent/channels/telegram/replay.ts';
import { BaselineModel } from '../agent/baseline/model.ts';
import { runSessions } from '../agent/memory/run-sessions.ts';
import { memoryToolDeclarations } from '../agent/memory/tools.ts';
import { openaiProvider } from '../agent/providers/openai.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { ToolRegistry } from '../agent/tools/tool.ts';
import type { Trace } from '../agent/trace.ts';
import { loadDataset } from '../datasets/load.ts';
import { createScorer } from '../judges/registry.ts';
import type { Case } from '../datasets/case.ts';
import { loadSuite } from '../runners/suite.ts';
import { attemptOutcome } from '../metrics/outcome.ts';
import { runTelegram } from '../cli/telegram.ts';
import { OpenAiFake, TEST_KEY } from './fakes/openai-server.ts';
import { TEST_BOT_TOKEN, TelegramBotApiFake } from './fakes/telegram-bot-api.ts';

const ADA = { id: 11, first_name: 'Ada' };
const NOW = new Date('2026-01-05T09:00:00.000Z');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function fakeTelegram(): Promise<TelegramBotApiFake> {
  const fake = await new TelegramBotApiFake().start();
  cleanups.push(() => fake.close());
  return fake;
}

/** Ada writes `text`; resolves with what she received for it once `replies` messages came back. */
async function say(fake: TelegramBotApiFake, text: string, replies = 1): Promise<string[]> {
  const before = fake.telegram.delivered.length;
  fake.telegram.userSays(ADA, text);
  for (let waited = 0; fake.telegram.delivered.length < before + replies; waited += 10) {
    if (waited > 10_000) throw new Error(`no reply to "${text}" within 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return fake.telegram.delivered.slice(before).map((m) => m.text);
}

const lineTypes = async (home: string, id: string) => (await fs.readFile(join(home, 'sessions', `${id}.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).type);

describe('lunar telegram with memory', () => {
  it('remembers a fact across /reset through the memory tools, shows it on /memory, and keeps a transcript per session', async () => {
    const fake = await fakeTelegram();
    const home = tempDir('lunar-telegram-home-');
    const store = new MemoryChatSessions({ home, now: () => NOW });
    cleanups.push(() => store.close());
    const stop = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const done = runTelegram({
      flags: { target: 'baseline', allow: [ADA.id] },
      ...memoryConversations(store),
      stop: stop.signal,
      env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN },
      cwd: tempDir('lunar-telegram-cwd-'),
      client: { apiRoot: fake.apiRoot },
      log: () => undefined,
      onReady: () => ready(),
    });
    cleanups.push(async () => {
      stop.abort();
      await done;
    });
    await started;

    // The baseline saves a message with "remember" (memory_write's word) and quotes the tool's result.
    expect(await say(fake, 'Remember that my cat is called Miso.')).toEqual(['memory_write says: Saved to memory/2026-01-05.md (lines 4-4).']);
    expect(await say(fake, '/reset')).toEqual(['Started a new conversation. What I saved to long-term memory stays: /memory shows it.']);
    // A fresh session: the question is answered from memory alone.
    expect(await say(fake, 'What is my cat called?')).toEqual(['memory_search says: [memory/2026-01-05.md:4-4]\n2026-01-05 > 09:00\n\nRemember that my cat is called Miso.']);
    expect(await say(fake, '/memory')).toEqual(['MEMORY.md:\n(empty)\n\nmemory/2026-01-05.md (today):\n# 2026-01-05\n\n## 09:00\nRemember that my cat is called Miso.']);
    expect((await say(fake, '/help'))[0]).toBe(
      [
        'I am an agent running baseline with these tools: read_file, list_files, calculator, current_time, memory_write, memory_search, memory_get.',
        'Write to me and I answer; everything in this chat is one conversation.',
        '/reset — start a new conversation (what I saved to memory stays)',
        '/memory — what I remember',
        '/help — this message',
      ].join('\n'),
    );

    expect((await fs.readdir(join(home, 'sessions'))).sort()).toEqual(['telegram-11.2.jsonl', 'telegram-11.jsonl']);
    expect(await lineTypes(home, 'telegram-11')).toEqual(['session', 'turn']);
    expect(await lineTypes(home, 'telegram-11.2')).toEqual(['session', 'turn']);
    expect(await fs.readFile(join(home, 'memory', 'telegram-11', 'memory', '2026-01-05.md'), 'utf8')).toBe('# 2026-01-05\n\n## 09:00\nRemember that my cat is called Miso.\n');
  });

  it('resumes each chat where it was when the bot restarts, a reset included', async () => {
    const openai = await new OpenAiFake().start();
    cleanups.push(() => openai.close());
    openai.say({ text: 'Nice to meet you, Ada.' }, { text: 'You are Ada.' }, { text: 'I do not know yet.' });
    const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${openai.url}/v1`, apiKey: TEST_KEY, retries: 0 });
    const home = tempDir('lunar-telegram-restart-');

    /** One life of the bot: a new store on the same home, a new Bot API, Ada's messages, then stopped. */
    async function life(messages: { text: string; replies?: number }[]): Promise<void> {
      const fake = await fakeTelegram();
      const store = new MemoryChatSessions({ home, now: () => NOW });
      const channel = createTelegramChannel({
        token: TEST_BOT_TOKEN,
        client: { apiRoot: fake.apiRoot },
        allowlist: new Allowlist([ADA.id]),
        agent: { model, tools: withMemoryTools(builtinRegistry()), workspaceRoot: '.', system: 'Be brief.' },
        ...memoryConversations(store),
      });
      const polling = channel.bot.start({ timeout: 5 });
      try {
        for (const m of messages) await say(fake, m.text, m.replies);
      } finally {
        await channel.bot.stop();
        await polling;
        await channel.idle();
        store.close();
      }
    }
    const sent = (i: number) => (openai.requests.filter((r) => r.path.endsWith('/chat/completions'))[i]!.body.messages as { role: string; content: string }[]).map((m) => `${m.role}: ${m.content}`);

    await life([{ text: 'My name is Ada.' }]);
    await life([{ text: 'What is my name?' }, { text: '/reset' }]);
    await life([{ text: 'What is my name?' }]);
    expect(sent(1)).toEqual(['system: Be brief.', 'user: My name is Ada.', 'assistant: Nice to meet you, Ada.', 'user: What is my name?']);
    // Restarted after the reset: the new session, not the old one.
    expect(sent(2)).toEqual(['system: Be brief.', 'user: What is my name?']);
    expect(await lineTypes(home, 'telegram-11')).toEqual(['session', 'turn', 'turn']);
    expect(await lineTypes(home, 'telegram-11.2')).toEqual(['session', 'turn']);
    // The memory tools were offered on every turn.
    const tools = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => (r.body.tools as { function: { name: string } }[]).map((t) => t.function.name));
    expect(tools.every((names) => ['memory_write', 'memory_search', 'memory_get'].every((n) => names.includes(n)))).toBe(true);
  });
});

describe('suites/telegram-memory.yaml on the baseline', () => {
  const root = resolve(import.meta.dirname, '..');
  const direct = loadSuite(join(root, 'suites', 'memory.yaml'));
  const channel = loadSuite(join(root, 'suites', 'telegram-memory.yaml'));

  it('is suites/memory.yaml through the Telegram channel: the same dataset, prompt, tools, scorers and budget', () => {
    const [d, t] = [direct.variants[0]!, channel.variants[0]!];
    expect(channel.datasetPath).toBe(direct.datasetPath);
    expect(t.channel).toBe('telegram');
    expect(d.channel).toBeUndefined();
    expect({ system: t.system, tools: t.tools, scorers: t.scorers, budget: t.budget }).toEqual({ system: d.system, tools: d.tools, scorers: d.scorers, budget: d.budget });
  });

  it('gives every case the verdicts it gets straight into the agent: 17 of 33 pass both ways, and the user read what the agent answered', async () => {
    const variant = channel.variants[0]!;
    const { cases } = loadDataset(channel.datasetPath);
    const tools = new ToolRegistry(memoryToolDeclarations()).pick(variant.tools!);
    const scorers = variant.scorers.map(({ name, options }) => createScorer(name, options));
    const settings = { tools, system: variant.system, workspaceRoot: variant.workspaceRoot, temperature: 0, seed: 0, budget: { maxSteps: variant.budget.maxSteps, maxTokens: variant.budget.maxTokens } };
    const verdicts = async (c: Case, trace: Trace) => {
      const scores = [];
      for (const scorer of scorers) {
        const score = await scorer.score({ case: c, trace });
        if (score) scores.push(score);
      }
      return { scores: scores.map((s) => `${s.scorer}:${s.pass}`), pass: attemptOutcome({ status: 'ok', scores }) === 'pass' };
    };
    const results = { direct: [] as string[], telegram: [] as string[] };
    const passed = { direct: {} as Record<string, number>, telegram: {} as Record<string, number> };
    const rewritten: string[] = [];
    for (const c of cases) {
      const straight = await runSessions({ ...settings, sessions: c.sessions!, model: new BaselineModel() });
      const replayed = await replayThroughTelegram(c, { ...settings, model: new BaselineModel() });
      expect({ id: c.id, stop: replayed.stopReason, failedCalls: replayed.channel.outgoing.filter((o) => !o.ok) }).toEqual({ id: c.id, stop: 'final', failedCalls: [] });
      expect({ id: c.id, calls: replayed.toolCalls.map((t) => [t.name, t.arguments]) }).toEqual({ id: c.id, calls: straight.toolCalls.map((t) => [t.name, t.arguments]) });
      if (replayed.finalAnswer !== replayed.channel.agentAnswer) rewritten.push(c.id);
      for (const [way, trace] of [['direct', straight], ['telegram', replayed]] as const) {
        const v = await verdicts(c, trace);
        results[way].push(`${c.id} ${v.scores.join(' ')}`);
        if (v.pass) passed[way][c.category] = (passed[way][c.category] ?? 0) + 1;
      }
    }
    expect(cases).toHaveLength(33);
    expect(results.telegram).toEqual(results.direct);
    // test/memory.e2e.test.ts works these out from the baseline's policy: every recall, 6 of 7 secrets, 3 of 6 distractors.
    expect(passed.direct).toEqual({ recall: 8, secret: 6, distractor: 3 });
    expect(passed.telegram).toEqual(passed.direct);
    // The baseline's answers hold no Markdown the channel formats (and none is over 4096 characters): what the user read is the agent's answer.
    expect(rewritten).toEqual([]);
  }, 120_000);
});
