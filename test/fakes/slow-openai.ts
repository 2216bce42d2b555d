// An OpenAI-compatible chat completion that says "done", and a server that gives it after a delay:
// what the resume and kill tests need to catch a run in the middle.

import { HttpFake, sendJson } from './http-fake.ts';

export const DONE_COMPLETION = {
  id: 'chatcmpl-slow',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'done', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
};

/** POST /v1/chat/completions answers DONE_COMPLETION after `ms`; the fake counts its requests. */
export function slowOpenAi(ms: number): Promise<HttpFake> {
  return new HttpFake()
    .route('POST', /^\/v1\/chat\/completions$/, async (_req, res) => {
      await new Promise((r) => setTimeout(r, ms));
      sendJson(res, DONE_COMPLETION);
    })
    .start();
}
