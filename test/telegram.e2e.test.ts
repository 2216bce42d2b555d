// The Telegram channel end to end: grammY long polling (or a webhook) against a fake Bot API on
// loopback, the agent loop behind it with a scripted model or the real openai SDK on a fake
// OpenAI server. Each test sends updates in and checks the exact Bot API calls that come out.

import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from '../agent/loop.ts';
import { replayThroughTelegram } from '../agent/channels/telegram/replay.ts';
import { createChatModel } from '../agent/providers/registry.ts';
import { caseMessages } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
import { createScorer } from '../judges/registry.ts';
import { loadSuite } from '../runners/suite.ts';
import { Allowlist, refusalLine } from '../agent/channels/telegram/allowlist.ts';
import { createTelegramChannel, type Handled, type TelegramChannel } from '../agent/channels/telegram/channel.ts';
import { webhookServer } from '../agent/channels/telegram/webhook.ts';
import { InMemoryChatSessions, type ChatSessions } from '../agent/channels/sessions.ts';
import { runTurn, type TurnRunner } from '../agent/channels/turn.ts';
import { openaiProvider } from '../agent/providers/openai.ts';
import { ScriptedModel } from '../agent/providers/scripted.ts';
import type { ChatModel } from '../agent/providers/types.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { OpenAiFake, TEST_KEY } from './fakes/openai-server.ts';
import { TEST_BOT_TOKEN, TelegramBotApiFake } from './fakes/telegram-bot-api.ts';

const ADA = { id: 11, first_name: 'Ada' };
const EVE = { id: 66, first_name: 'Eve' };

interface Running {
  fake: TelegramBotApiFake;
  channel: TelegramChannel;
  handled: Handled[];
  logs: string[];
  /** Resolves once `n` messages have been handled. */
  handledCount(n: number): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBot(options: { model: ChatModel; sessions?: ChatSessions; turns?: TurnRunner; typingEveryMs?: number; fetch?: typeof fetch; poll?: boolean; system?: string }): Promise<Running> {
  const fake = await new TelegramBotApiFake().start();
  cleanups.push(() => fake.close());
  const handled: Handled[] = [];
  const logs: string[] = [];
  const channel = createTelegramChannel({
    token: TEST_BOT_TOKEN,
    client: { apiRoot: fake.apiRoot, ...(options.fetch ? { fetch: options.fetch as never } : {}) },
    allowlist: new Allowlist([ADA.id]),
    agent: { model: options.model, tools: builtinRegistry(), workspaceRoot: '.', system: options.system },
    sessions: options.sessions ?? new InMemoryChatSessions(),
    turns: options.turns,
    typingEveryMs: options.typingEveryMs,
    log: (line) => logs.push(line),
    onHandled: (h) => handled.push(h),
  });
  if (options.poll !== false) {
    const polling = channel.bot.start({ timeout: 5 });
    cleanups.push(async () => {
      if (channel.bot.isRunning()) await channel.bot.stop();
      await polling;
      await channel.idle();
    });
  }
  const handledCount = async (n: number) => {
    for (let waited = 0; handled.length < n; waited += 10) {
      if (waited > 10_000) throw new Error(`only ${handled.length} of ${n} messages handled`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { fake, channel, handled, logs, handledCount };
}

/** What the bot sent to users, in the order Telegram received it. */
function userCalls(fake: TelegramBotApiFake): { method: string; payload: Record<string, unknown> }[] {
  return fake.telegram.calls.filter((c) => c.method === 'sendMessage' || c.method === 'sendChatAction').map(({ method, payload }) => ({ method, payload }));
}

/** A model that counts its calls and answers from a script. */
function counted(steps: ConstructorParameters<typeof ScriptedModel>[0]): ChatModel & { calls: number } {
  const inner = new ScriptedModel(steps);
  const model = {
    id: inner.id,
    provider: inner.provider,
    model: inner.model,
    calls: 0,
    chat: (request: Parameters<ChatModel['chat']>[0]) => {
      model.calls++;
      return inner.chat(request);
    },
    stream: (request: Parameters<ChatModel['stream']>[0]) => inner.stream(request),
  };
  return model;
}

/** A session store that notes every key it is asked about. */
function watchedSessions(): ChatSessions & { keys: string[] } {
  const inner = new InMemoryChatSessions();
  const keys: string[] = [];
  return {
    keys,
    load: (key) => (keys.push(key), inner.load(key)),
    append: (key, messages) => (keys.push(key), inner.append(key, messages)),
    reset: (key) => (keys.push(key), inner.reset(key)),
  };
}

const tooManyRequests = (seconds: number) => ({ error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } });

describe('the Telegram channel over long polling', () => {
  it("answers an allowed user: a typing action, then the answer as HTML, and the user sees it formatted", async () => {
    const bot = await startBot({ model: counted([{ text: 'The port is **8080** (see `config/settings.json`).' }]) });
    bot.fake.telegram.userSays(ADA, 'What port does the server use?');
    await bot.handledCount(1);
    expect(userCalls(bot.fake)).toEqual([
      { method: 'sendChatAction', payload: { chat_id: 11, action: 'typing' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: 'The port is <b>8080</b> (see <code>config/settings.json</code>).', parse_mode: 'HTML' } },
    ]);
    expect(bot.fake.telegram.delivered).toEqual([
      {
        chatId: 11,
        messageId: 2,
        text: 'The port is 8080 (see config/settings.json).',
        parseMode: 'HTML',
        entities: [
          { type: 'bold', offset: 12, length: 4 },
          { type: 'code', offset: 22, length: 20 },
        ],
      },
    ]);
    expect(bot.handled[0]).toMatchObject({ chatId: 11, kind: 'answer', sessionId: 'telegram-11.1', trace: { stopReason: 'final' } });
  });

  it('refuses a user not on the allowlist with one line; the model, the sessions and the log never see their message', async () => {
    const model = counted([{ text: 'never said' }]);
    const sessions = watchedSessions();
    const bot = await startBot({ model, sessions });
    bot.fake.telegram.userSays(EVE, 'my secret plan');
    await bot.handledCount(1);
    expect(userCalls(bot.fake)).toEqual([{ method: 'sendMessage', payload: { chat_id: 66, text: refusalLine(66) } }]);
    expect(refusalLine(66)).toBe('Sorry, I only talk with people on my allowlist. Your Telegram user id is 66: if you know who runs me, ask them to add it.');
    expect(model.calls).toBe(0);
    expect(sessions.keys).toEqual([]);
    expect(bot.logs.join('\n')).not.toMatch(/secret plan|66/);
    expect(bot.handled).toEqual([{ chatId: 66, kind: 'refused', sent: [{ text: refusalLine(66), messageId: 2 }] }]);
  });

  it('waits the retry_after of a 429 and sends the same message again, delivered once', async () => {
    const bot = await startBot({ model: counted([{ text: 'Done.' }]) });
    bot.fake.telegram.failNext('sendMessage', tooManyRequests(1));
    bot.fake.telegram.userSays(ADA, 'go');
    await bot.handledCount(1);
    const sends = bot.fake.telegram.callsOf('sendMessage');
    expect(sends.map((c) => c.response.ok)).toEqual([false, true]);
    expect(sends[1]!.payload).toEqual(sends[0]!.payload);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(bot.fake.telegram.delivered.map((m) => m.text)).toEqual(['Done.']);
    expect(bot.logs).toContain('telegram: sendMessage was rate-limited; waiting 1 s as Telegram asks');
  });

  it("splits an answer over 4096 characters at paragraph breaks, in order, each part within Telegram's limit", async () => {
    const paragraph = (letter: string) => Array.from({ length: 300 }, () => letter.repeat(9)).join(' ');
    const [a, b, c] = [paragraph('a'), paragraph('b'), paragraph('c')];
    expect(a.length).toBe(2999);
    const bot = await startBot({ model: counted([{ text: `${a}\n\n${b}\n\n${c}` }]) });
    bot.fake.telegram.userSays(ADA, 'tell me everything');
    await bot.handledCount(1);
    expect(userCalls(bot.fake)).toEqual([
      { method: 'sendChatAction', payload: { chat_id: 11, action: 'typing' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: a, parse_mode: 'HTML' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: b, parse_mode: 'HTML' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: c, parse_mode: 'HTML' } },
    ]);
    expect(bot.fake.telegram.delivered.map((m) => m.messageId)).toEqual([2, 3, 4]);
  });

  it('sends a part again as plain text when Telegram cannot parse its HTML', async () => {
    const bot = await startBot({ model: counted([{ text: 'The port is **8080**.' }]) });
    bot.fake.telegram.failNext('sendMessage', { error_code: 400, description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 12' });
    bot.fake.telegram.userSays(ADA, 'port?');
    await bot.handledCount(1);
    expect(userCalls(bot.fake)).toEqual([
      { method: 'sendChatAction', payload: { chat_id: 11, action: 'typing' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: 'The port is <b>8080</b>.', parse_mode: 'HTML' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: 'The port is **8080**.' } },
    ]);
    expect(bot.fake.telegram.delivered).toEqual([{ chatId: 11, messageId: 2, text: 'The port is **8080**.', entities: [] }]);
    expect(bot.handled[0]!.sent).toEqual([{ text: 'The port is **8080**.', fellBack: true, messageId: 2 }]);
  });

  it('keeps one session per chat and starts a new one on /reset, through the openai SDK', async () => {
    const openai = await new OpenAiFake().start();
    cleanups.push(() => openai.close());
    openai.say({ text: 'Nice to meet you, Ada.' }, { text: 'You are Ada.' }, { text: 'I do not know your name.' });
    const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${openai.url}/v1`, apiKey: TEST_KEY, retries: 0 });
    const bot = await startBot({ model, system: 'Be brief.' });
    // All four at once: the chat's queue keeps them in order.
    for (const text of ['My name is Ada.', 'What is my name?', '/reset', 'What is my name?']) bot.fake.telegram.userSays(ADA, text);
    await bot.handledCount(4);
    const sent = (i: number) => (openai.requests[i]!.body.messages as { role: string; content: string }[]).map((m) => `${m.role}: ${m.content}`);
    expect(sent(1)).toEqual(['system: Be brief.', 'user: My name is Ada.', 'assistant: Nice to meet you, Ada.', 'user: What is my name?']);
    expect(sent(2)).toEqual(['system: Be brief.', 'user: What is my name?']);
    expect(bot.handled.map((h) => [h.kind, h.sessionId])).toEqual([
      ['answer', 'telegram-11.1'],
      ['answer', 'telegram-11.1'],
      ['command', undefined],
      ['answer', 'telegram-11.2'],
    ]);
    expect(bot.fake.telegram.delivered.map((m) => m.text)).toEqual([
      'Nice to meet you, Ada.',
      'You are Ada.',
      'Started a new conversation: I have forgotten what we said before.',
      'I do not know your name.',
    ]);
  });

  it('answers /help, /memory and a message that is not text, without running the agent', async () => {
    const model = counted([{ text: 'Hello.' }]);
    const bot = await startBot({ model });
    bot.fake.telegram.userSays(ADA, 'hi');
    bot.fake.telegram.userSays(ADA, '/help');
    bot.fake.telegram.userSays(ADA, '/memory');
    bot.fake.telegram.userSends(ADA, { sticker: { file_id: 'x', file_unique_id: 'y', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } });
    await bot.handledCount(4);
    expect(model.calls).toBe(1);
    expect(bot.fake.telegram.delivered.map((m) => m.text)).toEqual([
      'Hello.',
      [
        'I am an agent running scripted with these tools: read_file, list_files, calculator, current_time.',
        'Write to me and I answer; everything in this chat is one conversation.',
        '/reset — start a new conversation (I forget this one)',
        '/memory — what I remember',
        '/help — this message',
      ].join('\n'),
      'I have no long-term memory set up: I remember only this conversation (1 message from you since the last /reset).',
      'I can only read text messages.',
    ]);
  });

  it('shows what a session store with long-term memory exposes on /memory', async () => {
    const inner = new InMemoryChatSessions();
    const sessions: ChatSessions = {
      load: (k) => inner.load(k),
      append: (k, m) => inner.append(k, m),
      reset: (k) => inner.reset(k),
      memory: async (key) => `MEMORY.md for chat ${key}:\n- likes tea`,
    };
    const bot = await startBot({ model: counted([]), sessions });
    bot.fake.telegram.userSays(ADA, '/memory');
    await bot.handledCount(1);
    expect(bot.fake.telegram.delivered.map((m) => m.text)).toEqual(['MEMORY.md for chat telegram-11:\n- likes tea']);
  });

  it("runs the chat's turns through the turn runner given (agent/memory plugs in its own)", async () => {
    const turns: string[] = [];
    const bot = await startBot({ model: counted([{ text: 'from the runner' }]), turns: async (options) => (turns.push(`${options.key}: ${options.text}`), runTurn(options)) });
    bot.fake.telegram.userSays(ADA, 'hello');
    await bot.handledCount(1);
    expect(turns).toEqual(['telegram-11: hello']);
    expect(bot.fake.telegram.delivered.map((m) => m.text)).toEqual(['from the runner']);
  });

  it('sends "typing" again while the agent works and stops once the answer is out', async () => {
    const openai = await new OpenAiFake().start();
    cleanups.push(() => openai.close());
    openai.fault({ kind: 'delay', ms: 450 }).say({ text: 'Slow answer.' });
    const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${openai.url}/v1`, apiKey: TEST_KEY, retries: 0 });
    const bot = await startBot({ model, typingEveryMs: 100 });
    bot.fake.telegram.userSays(ADA, 'take your time');
    await bot.handledCount(1);
    const methods = userCalls(bot.fake).map((c) => c.method);
    // At 0, 100, 200, 300 and 400 ms at least; never after the answer.
    expect(methods.filter((m) => m === 'sendChatAction').length).toBeGreaterThanOrEqual(4);
    expect(methods.at(-1)).toBe('sendMessage');
    const before = bot.fake.telegram.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(bot.fake.telegram.calls.slice(before).map((c) => c.method).filter((m) => m !== 'getUpdates')).toEqual([]);
  });

  it('keeps the token out of logs, records and traces when the Bot API cannot be reached', async () => {
    // Network errors from node-fetch carry the URL, and the URL carries the token.
    const failing = (async (url: string, init: RequestInit) => {
      if (url.endsWith('/sendMessage')) throw new Error(`request to ${url} failed, reason: connect ECONNREFUSED`);
      return fetch(url, init);
    }) as unknown as typeof fetch;
    const bot = await startBot({ model: counted([{ text: 'lost answer' }]), fetch: failing });
    bot.fake.telegram.userSays(ADA, 'hello');
    await bot.handledCount(1);
    expect(bot.handled[0]).toMatchObject({ kind: 'answer', sent: [], error: "Network request for 'sendMessage' failed!" });
    expect(bot.logs).toContain("telegram: chat 11: could not reply: Network request for 'sendMessage' failed!");
    const everything = JSON.stringify({ logs: bot.logs, handled: bot.handled, calls: bot.fake.telegram.calls });
    expect(everything).not.toContain(TEST_BOT_TOKEN);
    expect(everything).not.toContain(TEST_BOT_TOKEN.split(':')[1]);
  });
});

describe('the Telegram channel over a webhook', () => {
  it("takes an update only with Telegram's secret-token header: 401 and nothing processed without it", async () => {
    const model = counted([{ text: 'Hello from the webhook.' }]);
    const bot = await startBot({ model, poll: false });
    await bot.channel.bot.init();
    const app = webhookServer({ bot: bot.channel.bot, path: '/tg/hook', secretToken: 'the_secret-1' });
    cleanups.push(() => app.close());
    const update = bot.fake.telegram.userSays(ADA, 'hello');
    const post = (headers: Record<string, string>, payload: unknown = update) => app.inject({ method: 'POST', url: '/tg/hook', headers, payload: payload as object });

    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'the_secret-2' }] as Record<string, string>[]) {
      const refused = await post(headers);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ ok: false, error: 'wrong or missing secret token' });
    }
    expect(model.calls).toBe(0);
    expect(userCalls(bot.fake)).toEqual([]);

    const malformed = await post({ 'x-telegram-bot-api-secret-token': 'the_secret-1' }, { message: {} });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ ok: false, error: 'not a Telegram update: update_id: Invalid input: expected number, received undefined' });

    const accepted = await post({ 'x-telegram-bot-api-secret-token': 'the_secret-1' });
    expect(accepted.statusCode).toBe(200);
    await bot.handledCount(1);
    expect(userCalls(bot.fake)).toEqual([
      { method: 'sendChatAction', payload: { chat_id: 11, action: 'typing' } },
      { method: 'sendMessage', payload: { chat_id: 11, text: 'Hello from the webhook.', parse_mode: 'HTML' } },
    ]);
  });
});

describe('the tools dataset replayed through the Telegram path', () => {
  it('gives the baseline the same tool calls and the same verdicts as the direct path on all 70 cases, every message delivered', async () => {
    const suite = loadSuite(resolve(import.meta.dirname, '..', 'suites', 'tools.yaml'));
    const variant = suite.variants[0]!;
    const { cases } = loadDataset(suite.datasetPath);
    const offered = builtinRegistry().pick(variant.tools!);
    const scorers = ['tool_name_match', 'tool_args_match', 'answer_contains'].map((name) => createScorer(name));
    const verdicts = { direct: [] as string[], telegram: [] as string[] };
    let answerContainsPasses = 0;
    for (const c of cases) {
      const settings = { tools: c.tools ? offered.pick(c.tools) : offered, system: variant.system, workspaceRoot: variant.workspaceRoot, budget: { maxSteps: 6 } };
      const direct = await runAgent({ ...settings, model: createChatModel('baseline'), messages: caseMessages(c) });
      const replayed = await replayThroughTelegram(c, { ...settings, model: createChatModel('baseline') });
      expect(replayed.toolCalls.map((t) => [t.name, t.arguments]), c.id).toEqual(direct.toolCalls.map((t) => [t.name, t.arguments]));
      expect(replayed.channel.outgoing.filter((o) => !o.ok), c.id).toEqual([]);
      expect(replayed.channel.delivered.every((m) => m.text.length <= 4096)).toBe(true);
      for (const scorer of scorers) {
        const [d, t] = [await scorer.score({ case: c, trace: direct }), await scorer.score({ case: c, trace: replayed })];
        verdicts.direct.push(`${c.id} ${scorer.name} ${d?.pass ?? '-'}`);
        verdicts.telegram.push(`${c.id} ${scorer.name} ${t?.pass ?? '-'}`);
        if (scorer.name === 'answer_contains' && t?.pass) answerContainsPasses++;
      }
    }
    expect(cases).toHaveLength(70);
    expect(verdicts.telegram).toEqual(verdicts.direct);
    // README's baseline table: answer_contains 0.500 over the 56 cases it scores.
    expect(answerContainsPasses).toBe(28);
  });
});
