// Sending an answer: cut to Telegram's length limit, each part formatted as HTML; a part
// Telegram refuses to parse ("can't parse entities") goes again as plain text, so a formatting
// slip never loses the answer. Any other refusal is the caller's to handle.

import type { Api } from 'grammy';
import { toTelegramHtml } from './format.ts';
import { splitMessage } from './split.ts';
import { packages } from '../../../core/packages.ts';

export interface SentPart {
  /** The text as sent: HTML, or the plain Markdown when Telegram refused the HTML. */
  text: string;
  parseMode?: 'HTML';
  /** Telegram refused this part's HTML and it was sent plain. */
  fellBack?: true;
  messageId: number;
}

/** Sends `answer`, adding each part to `sent` as it goes out (so a failure half way leaves the parts that did). */
export async function sendReply(api: Api, chatId: number, answer: string, sent: SentPart[] = []): Promise<SentPart[]> {
  for (const part of splitMessage(answer)) {
    const html = toTelegramHtml(part);
    try {
      const message = await api.sendMessage(chatId, html, { parse_mode: 'HTML' });
      sent.push({ text: html, parseMode: 'HTML', messageId: message.message_id });
    } catch (error) {
      if (!isParseRefusal(error)) throw error;
      const message = await api.sendMessage(chatId, part);
      sent.push({ text: part, fellBack: true, messageId: message.message_id });
    }
  }
  return sent;
}

/** One plain line (a refusal, a command's answer): no formatting to go wrong. */
export async function sendLine(api: Api, chatId: number, text: string): Promise<SentPart> {
  const message = await api.sendMessage(chatId, text);
  return { text, messageId: message.message_id };
}

function isParseRefusal(error: unknown): boolean {
  return error instanceof packages.grammy.GrammyError && error.error_code === 400 && /can't parse entities/i.test(error.description);
}
