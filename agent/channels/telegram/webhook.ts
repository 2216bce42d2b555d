// Webhook mode: Telegram POSTs each update to our HTTPS address (a reverse proxy forwards it
// here). A request without the secret token we gave setWebhook is refused with 401 before its
// body is looked at; an update that is not an update is 400. The bot's handler returns at once
// (answers run on the chat's queue), so Telegram gets its 200 well within its timeout.

import type { FastifyInstance } from 'fastify';
import type { Bot } from 'grammy';
import { z } from 'zod';
import { sameSecret } from '../../server/auth.ts';
import { packages } from '../../../core/packages.ts';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const Update = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface WebhookServerOptions {
  bot: Bot;
  /** The path of the public webhook URL. */
  path: string;
  secretToken: string;
  /** Largest update accepted, in bytes (default 1 MiB; text updates are a few KB). */
  bodyLimit?: number;
}

export function webhookServer(options: WebhookServerOptions): FastifyInstance {
  const app = packages.fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  const handle = packages.grammy.webhookCallback(options.bot, 'fastify', { secretToken: options.secretToken });
  app.post(options.path, {
    // Before the body is read: a stranger's request costs nothing and reveals nothing.
    onRequest: async (request, reply) => {
      const header = request.headers[SECRET_HEADER];
      if (!sameSecret(typeof header === 'string' ? header : undefined, options.secretToken)) {
        await reply.code(401).send({ ok: false, error: 'wrong or missing secret token' });
      }
    },
    handler: async (request, reply) => {
      const update = Update.safeParse(request.body);
      if (!update.success) return reply.code(400).send({ ok: false, error: `not a Telegram update: ${update.error.issues[0]!.path.join('.') || '(body)'}: ${update.error.issues[0]!.message}` });
      await handle(request, reply);
      return reply;
    },
  });
  return app;
}
