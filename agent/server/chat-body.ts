// The body of POST /v1/chat: one new message in a named session (or none), or a whole
// conversation the client keeps itself; optionally another of the targets the server serves.

import { z } from 'zod';

const ChatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).strict();

export const ChatBody = z
  .object({
    /** One user message; with `session`, added to that conversation. */
    message: z.string().min(1).optional(),
    /** A whole conversation, ending with the user's message; the server keeps nothing. */
    messages: z.array(ChatMessage).min(1).optional(),
    /**
     * A conversation the server keeps, named by the client: its transcript is `http-<name>`. No
     * "." (a transcript id's "." numbers the sessions of a conversation), at most 100 characters.
     */
    session: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'use 1 to 100 letters, digits, "-" and "_"').optional(),
    /**
     * One of the target ids the server was started with (GET /health lists them), instead of the
     * first. Only a name to look up: the app refuses any other, so no request picks a file to read
     * or a key to spend.
     */
    target: z.string().min(1).max(500).optional(),
    /** Stream the answer as Server-Sent Events (the same as Accept: text/event-stream or ?stream=1). */
    stream: z.boolean().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.message === undefined) === (body.messages === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'give exactly one of "message" or "messages"' });
    }
    if (body.messages && body.session !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['session'], message: 'a session holds its own history: send "message" with it, not "messages"' });
    }
    if (body.messages && body.messages.at(-1)?.role !== 'user') {
      ctx.addIssue({ code: 'custom', path: ['messages', body.messages.length - 1, 'role'], message: 'the last message must be from the user' });
    }
  });

export type ChatBody = z.infer<typeof ChatBody>;
