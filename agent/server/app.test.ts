import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryChatSessions } from '../channels/memory-sessions.ts';
import { memoryConversations, withMemoryTools } from '../channels/memory-turn.ts';
import { InMemoryChatSessions } from '../channels/sessions.ts';
import { runTurn } from '../channels/turn.ts';
import { openaiProvider } from '../providers/openai.ts';
import { ScriptedModel } from '../providers/scripted.ts';
import type { ChatModel } from '../providers/types.ts';
import { builtinRegistry } from '../tools/builtin.ts';
import { resolveTarget } from '../targets.ts';
import { OpenAiFake, TEST_KEY } from '../../test/fakes/openai-server.ts';
import { chatServer, type ChatServerOptions } from './app.ts';
import { parseSse } from './test-sse.ts';

const TOKEN = 'a-long-enough-token-0123456789';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server whose default target answers from `steps` (each request a fresh script), counting the models made. */
function scriptedServer(steps: ConstructorParameters<typeof ScriptedModel>[0], extra: Partial<ChatServerOptions> = {}) {
  const made: string[] = [];
  const app = chatServer({
    agent: { tools: builtinRegistry(), workspaceRoot: '.' },
    targets: ['scripted', 'baseline'],
    modelFor: (target) => {
      made.push(target);
      return target === 'scripted' ? new ScriptedModel(steps) : resolveTarget(target, { env: {} }).model();
    },
    sessions: new InMemoryChatSessions(),
    ...extra,
  });
  closers.push(() => app.close());
  return { app, made };
}

async function openaiServer(...turns: Parameters<OpenAiFake['say']>) {
  const fake = await new OpenAiFake().start();
  closers.push(() => fake.close());
  fake.say(...turns);
  const model: ChatModel = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, retries: 0 });
  const app = chatServer({ agent: { tools: builtinRegistry(), workspaceRoot: '.', system: 'Be brief.' }, targets: [model.id], modelFor: () => model, sessions: new InMemoryChatSessions() });
  closers.push(() => app.close());
  return { app, fake };
}

describe('POST /v1/chat', () => {
  it('runs the agent on a message and answers with the answer and a summary of the run', async () => {
    const { app } = scriptedServer([{ tool_calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, { text: 'It is 42.' }]);
    const response = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'What is 6*7?' } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      answer: 'It is 42.',
      trace: {
        target: 'scripted',
        stopReason: 'final',
        modelCalls: 2,
        toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }],
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: 0,
        latencyMs: body.trace.latencyMs,
      },
    });
    expect(body.trace.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a named session between requests, and keeps nothing for a conversation sent whole', async () => {
    const { app, fake } = await openaiServer({ text: 'Hi Ada.' }, { text: 'You are Ada.' }, { text: 'Still Ada.' });
    const first = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'I am Ada.', session: 's1' } });
    expect(first.json()).toMatchObject({ answer: 'Hi Ada.', session: 's1' });
    await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'Who am I?', session: 's1' } });
    await app.inject({ method: 'POST', url: '/v1/chat', payload: { messages: [{ role: 'user', content: 'I am Ada.' }, { role: 'assistant', content: 'Hi.' }, { role: 'user', content: 'Who?' }] } });
    const sent = (i: number) => (fake.requests[i]!.body.messages as { role: string; content: string }[]).map((m) => `${m.role}: ${m.content}`);
    expect(sent(1)).toEqual(['system: Be brief.', 'user: I am Ada.', 'assistant: Hi Ada.', 'user: Who am I?']);
    expect(sent(2)).toEqual(['system: Be brief.', 'user: I am Ada.', 'assistant: Hi.', 'user: Who?']);
  });

  it('streams text deltas as Server-Sent Events, then a done event with the answer', async () => {
    const { app } = await openaiServer({ text: 'Hello there, Ada.' }, { text: 'Again.' });
    const response = await app.inject({ method: 'POST', url: '/v1/chat', headers: { accept: 'text/event-stream' }, payload: { message: 'Hello' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(response.body);
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'delta', 'done']);
    expect(events.slice(0, 3).map((e) => e.data.text)).toEqual(['Hello ', 'there, ', 'Ada.']);
    expect(events[3]!.data).toMatchObject({ answer: 'Hello there, Ada.', trace: { stopReason: 'final', modelCalls: 1, usage: { inputTokens: 10, outputTokens: 5 } } });
    const byQuery = await app.inject({ method: 'POST', url: '/v1/chat?stream=1', payload: { message: 'Hello' } });
    expect(parseSse(byQuery.body).at(-1)).toMatchObject({ event: 'done', data: { answer: 'Again.' } });
  });

  it('streams tool calls and their results as they happen', async () => {
    const { app } = scriptedServer([{ tool_calls: [{ name: 'calculator', arguments: { expression: '2+2' } }] }, { text: 'Four.' }]);
    const response = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: '2+2?', stream: true } });
    expect(parseSse(response.body).map(({ event, data }) => [event, event === 'done' ? data.answer : data])).toEqual([
      ['tool_call', { id: 'call_1_1', name: 'calculator', arguments: { expression: '2+2' } }],
      ['tool_result', { id: 'call_1_1', name: 'calculator', ok: true }],
      ['delta', { text: 'Four.' }],
      ['done', 'Four.'],
    ]);
  });

  it('refuses a bad body with 400 naming the field', async () => {
    const { app, made } = scriptedServer([{ text: 'never' }]);
    const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/chat', payload: payload as object });
    const cases: [unknown, string, string][] = [
      [{}, 'message', 'message: give exactly one of "message" or "messages"'],
      [{ message: 5 }, 'message', 'message: Invalid input: expected string, received number'],
      [{ message: 'x', colour: 'red' }, 'colour', 'colour: Unrecognized key: "colour"'],
      [{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, 'messages.1.role', 'messages.1.role: the last message must be from the user'],
      [{ message: 'x', session: 'no spaces please' }, 'session', 'session: use 1 to 100 letters, digits, "-" and "_"'],
      // A "." would read as the number of a session in the transcript's id (http-<name>.2).
      [{ message: 'x', session: 'notes.2' }, 'session', 'session: use 1 to 100 letters, digits, "-" and "_"'],
      [{ message: 'x', session: 'a'.repeat(101) }, 'session', 'session: use 1 to 100 letters, digits, "-" and "_"'],
    ];
    for (const [payload, field, error] of cases) {
      const response = await post(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error, field });
    }
    const notJson = await app.inject({ method: 'POST', url: '/v1/chat', headers: { 'content-type': 'application/json' }, payload: '{"message": ' });
    expect(notJson.statusCode).toBe(400);
    // Only the served targets, by name: nothing else is even looked up.
    for (const target of ['nope:model', 'groq:llama-3.3-70b-versatile', 'scripted:/etc/passwd']) {
      const response = await post({ message: 'x', target });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: `target "${target}" is not served; served: scripted, baseline`, field: 'target' });
    }
    expect(made).toEqual([]);
    expect((await post({ message: 'x', target: 'baseline' })).json()).toMatchObject({ trace: { target: 'baseline' } });
    expect(made).toEqual(['baseline']);
  });

  it('refuses a body over the limit with 413 before running anything', async () => {
    const { app, made } = scriptedServer([{ text: 'never' }], { bodyLimit: 100 });
    const response = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'x'.repeat(200) } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'the request body is over the limit of 100 bytes' });
    expect(made).toEqual([]);
  });

  it('answers 502 with the reason when the model fails', async () => {
    const { app } = scriptedServer([]);
    const response = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'hello' } });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ answer: null, error: 'the model failed: scripted: the script has 0 step(s); step 1 was asked for', trace: { stopReason: 'error' } });
  });
});

describe('a session turn runner', () => {
  it('is the one given, when one is given (agent/memory plugs in its own)', async () => {
    const turns: string[] = [];
    const { app } = scriptedServer([{ text: 'from the runner' }], {
      turns: async (options) => {
        turns.push(`${options.key}: ${options.text}`);
        return runTurn(options);
      },
    });
    const response = await app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'hello', session: 'abc' } });
    expect(response.json()).toMatchObject({ answer: 'from the runner', session: 'abc' });
    expect(turns).toEqual(['http-abc: hello']);
  });
});

describe('sessions kept by agent/memory', () => {
  it('resumes a named session from its transcript after a restart, and offers the memory tools to sessions only', async () => {
    const fake = await new OpenAiFake().start();
    closers.push(() => fake.close());
    fake.say({ text: 'Hi Ada.' }, { text: 'You are Ada.' }, { text: 'Hello.' });
    const model: ChatModel = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, retries: 0 });
    const home = mkdtempSync(join(tmpdir(), 'lunar-serve-memory-'));
    closers.push(() => fs.rm(home, { recursive: true, force: true }));
    /** One life of the server: a new store over the same home. */
    const serverLife = () => {
      const store = new MemoryChatSessions({ home, memoryRoot: () => join(home, 'memory', 'http') });
      const app = chatServer({ agent: { tools: withMemoryTools(builtinRegistry()), workspaceRoot: '.', system: 'Be brief.' }, targets: [model.id], modelFor: () => model, ...memoryConversations(store) });
      closers.push(async () => {
        await app.close();
        store.close();
      });
      return app;
    };
    const chat = (app: ReturnType<typeof serverLife>, payload: object) => app.inject({ method: 'POST', url: '/v1/chat', payload }).then((r) => r.json());

    expect(await chat(serverLife(), { message: 'I am Ada.', session: 's1' })).toMatchObject({ answer: 'Hi Ada.', session: 's1' });
    const restarted = serverLife();
    expect(await chat(restarted, { message: 'Who am I?', session: 's1' })).toMatchObject({ answer: 'You are Ada.' });
    expect(await chat(restarted, { message: 'Hello?' })).toMatchObject({ answer: 'Hello.' });

    const requests = fake.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as { messages: { role: string; content: string }[]; tools: { function: { name: string } }[] });
    expect(requests[1]!.messages.map((m) => `${m.role}: ${m.content}`)).toEqual(['system: Be brief.', 'user: I am Ada.', 'assistant: Hi Ada.', 'user: Who am I?']);
    const offered = requests.map((r) => r.tools.map((t) => t.function.name).filter((n) => n.startsWith('memory_')));
    expect(offered).toEqual([['memory_write', 'memory_search', 'memory_get'], ['memory_write', 'memory_search', 'memory_get'], []]);
    const transcript = (await fs.readFile(join(home, 'sessions', 'http-s1.jsonl'), 'utf8')).trim().split('\n');
    expect(transcript.map((line) => JSON.parse(line).type)).toEqual(['session', 'turn', 'turn']);
  });
});

describe('the bearer token', () => {
  it('is checked on every request, health and unknown routes included, when one is set', async () => {
    const { app, made } = scriptedServer([{ text: 'ok' }], { token: TOKEN });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', TOKEN, `Basic ${TOKEN}`]) {
      for (const [method, url] of [['GET', '/health'], ['POST', '/v1/chat'], ['GET', '/nowhere']] as const) {
        const response = await app.inject({ method, url, headers: authorization ? { authorization } : {}, payload: method === 'POST' ? { message: 'hi' } : undefined });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toEqual({ error: 'missing or wrong bearer token' });
      }
    }
    expect(made).toEqual([]);
    const health = await app.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(health.json()).toEqual({ status: 'ok', target: 'scripted', targets: ['scripted', 'baseline'] });
    const chat = await app.inject({ method: 'POST', url: '/v1/chat', headers: { authorization: `bearer ${TOKEN}` }, payload: { message: 'hi' } });
    expect(chat.json()).toMatchObject({ answer: 'ok' });
  });

  it('is not asked for when none is set (a loopback server)', async () => {
    const { app } = scriptedServer([]);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', target: 'scripted', targets: ['scripted', 'baseline'] });
    expect((await app.inject({ method: 'GET', url: '/v2/chat' })).json()).toEqual({ error: 'no route GET /v2/chat: the routes are GET /health, POST /v1/chat and GET /openapi.json' });
  });
});
