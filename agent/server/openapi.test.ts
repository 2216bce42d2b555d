// GET /openapi.json from a listening server: the document describes the routes there are, and its
// request schema accepts and refuses the bodies the server accepts and refuses (checked with ajv,
// a JSON Schema validator independent of zod).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryChatSessions } from '../channels/sessions.ts';
import { resolveTarget } from '../targets.ts';
import { builtinRegistry } from '../tools/builtin.ts';
import { chatServer } from './app.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listening(): Promise<string> {
  const app = chatServer({
    agent: { tools: builtinRegistry(), workspaceRoot: '.' },
    targets: ['baseline', 'baseline:b'],
    modelFor: (target) => resolveTarget(target, { env: {} }).model(),
    sessions: new InMemoryChatSessions(),
  });
  closers.push(() => app.close());
  return app.listen({ host: '127.0.0.1', port: 0 });
}

// Each kind of field rule JSON Schema can carry: types, lengths, the session pattern, roles, unknown fields.
const BODIES: unknown[] = [
  { message: 'What is 2+2?' },
  { message: 'hi', session: 'alice_1', target: 'baseline:b', stream: false },
  { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] },
  { message: '' },
  { message: 42 },
  { message: 'hi', session: 'has a space' },
  { message: 'hi', session: 'a.b' },
  { message: 'hi', colour: 'blue' },
  { messages: [] },
  { messages: [{ role: 'tool', content: 'x' }] },
  { messages: [{ role: 'user', content: 'x', name: 'me' }] },
  { message: 'hi', stream: 'yes' },
  { message: 'hi', target: '' },
];

describe('GET /openapi.json', () => {
  it("describes lunar serve's routes, and its request schema agrees with what POST /v1/chat accepts", async () => {
    const address = await listening();
    const response = await fetch(`${address}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(['/health', '/openapi.json', '/v1/chat']);
    expect(Object.keys(document.paths['/v1/chat'].post.responses).sort()).toEqual(['200', '400', '401', '413', '500', '502']);

    const validate = new Ajv2020({ strict: false }).compile(document.paths['/v1/chat'].post.requestBody.content['application/json'].schema);
    const verdicts = await Promise.all(
      BODIES.map(async (body) => {
        const status = (await fetch(`${address}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
        return { body, documented: validate(body), accepted: status === 200 };
      }),
    );
    expect(verdicts.filter((v) => v.documented !== v.accepted)).toEqual([]);
    expect(verdicts.map((v) => v.accepted)).toEqual([true, true, true, false, false, false, false, false, false, false, false, false, false]);

    // What the server answers is what the document says it answers.
    const answer = await (await fetch(`${address}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'What is 2+2?' }) })).json();
    expect(new Ajv2020({ strict: false }).validate(document.paths['/v1/chat'].post.responses['200'].content['application/json'].schema, answer)).toBe(true);
    const health = await (await fetch(`${address}/health`)).json();
    expect(new Ajv2020({ strict: false }).validate(document.paths['/health'].get.responses['200'].content['application/json'].schema, health)).toBe(true);
  });

  it('states the rules across fields JSON Schema cannot carry', async () => {
    const document = (await (await fetch(`${await listening()}/openapi.json`)).json()) as any;
    expect(document.paths['/v1/chat'].post.requestBody.content['application/json'].schema.description).toContain('exactly one of "message" or "messages"');
  });
});
