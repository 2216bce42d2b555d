// The bot token is a password: whoever holds it is the bot. grammY keeps it out of its own error
// messages, but a network error's cause and a URL can still carry it; every line the channel
// logs or sends on passes through here.

import { redact } from '../../providers/errors.ts';

/** `text` with the token, and anything shaped like a Bot API URL's token, replaced by [redacted]. */
export function withoutToken(text: string, token: string): string {
  return redact(text, [token]).replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[redacted]');
}

/** An error as one line fit for a log: message only, token removed. */
export function describeError(error: unknown, token: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return withoutToken(message, token).replace(/\s+/g, ' ').trim();
}
