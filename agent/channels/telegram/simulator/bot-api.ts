// A simulated Telegram Bot API: the Telegram side of a conversation, in process. The test fake
// (test/fakes/telegram-bot-api.ts) serves it over loopback HTTP; the channel benchmark
// (replay.ts) hands it to grammY as its fetch, so no socket is opened. It keeps what Telegram
// keeps for a bot — updates waiting for getUpdates (long polling, offsets confirming, a second
// poll ending the first with 409), the chats it has seen, the webhook — answers the methods the
// channel uses the way the Bot API does (`{ ok, result }`, or `{ ok: false, error_code,
// description, parameters }`, refusing what Telegram refuses: unknown chats, empty or over-long
// text, HTML it cannot parse), records every call, and lets a test queue errors (a 429 with
// retry_after) for the next call of a method.

import { parseTelegramHtml, type MessageEntity } from './html.ts';

export interface ApiError {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}
export type ApiResponse = { ok: true; result: unknown } | ApiError;

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** Milliseconds since the simulator was made, when the call arrived. */
  at: number;
  response: ApiResponse;
}

export interface TelegramUser {
  id: number;
  first_name: string;
  username?: string;
}

/** A message as its recipient sees it: entities parsed out of the HTML, if any. */
export interface DeliveredMessage {
  chatId: number;
  messageId: number;
  text: string;
  entities: MessageEntity[];
  parseMode?: string;
}

export interface SimulatedBotApiOptions {
  token: string;
  botInfo?: Partial<TelegramUser>;
}

/** Most characters a text message may hold, after entities are parsed. */
const MAX_TEXT = 4096;
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);

export class SimulatedBotApi {
  readonly calls: RecordedCall[] = [];
  readonly delivered: DeliveredMessage[] = [];
  readonly me: TelegramUser & { is_bot: true; can_join_groups: boolean; can_read_all_group_messages: boolean; supports_inline_queries: boolean };
  /** The webhook set with setWebhook, if any. */
  webhook?: { url: string; secretToken?: string };
  private readonly token: string;
  private readonly started = performance.now();
  private pending: Record<string, unknown>[] = [];
  private nextUpdateId = 1;
  private readonly messageIds = new Map<number, number>();
  private readonly faults = new Map<string, Omit<ApiError, 'ok'>[]>();
  private poll?: { answer: (response: ApiResponse) => void; wake: () => void };
  private readonly watchers = new Set<() => void>();

  constructor(options: SimulatedBotApiOptions) {
    this.token = options.token;
    const id = Number(/^(\d+):/.exec(options.token)?.[1] ?? 1);
    this.me = {
      id,
      is_bot: true,
      first_name: 'Lunar',
      username: 'lunar_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      ...options.botInfo,
    };
  }

  /** A user writes `text` in their private chat with the bot (or in `chatId`); returns the update. */
  userSays(from: TelegramUser, text: string, chatId = from.id): Record<string, unknown> {
    const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/.exec(text);
    return this.userSends(from, { text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}) }, chatId);
  }

  /** A user sends a message with this content (a sticker, a photo...). */
  userSends(from: TelegramUser, content: Record<string, unknown>, chatId = from.id): Record<string, unknown> {
    const chat = chatId === from.id ? { id: chatId, type: 'private', first_name: from.first_name } : { id: chatId, type: 'group', title: `chat ${chatId}` };
    const message = { message_id: this.nextMessageId(chatId), date: unixNow(), chat, from: { is_bot: false, ...from }, ...content };
    const update = { update_id: this.nextUpdateId++, message };
    this.pending.push(update);
    this.poll?.wake();
    return update;
  }

  /** The next call of `method` fails with this error instead of being answered. */
  failNext(method: string, error: Omit<ApiError, 'ok'>): this {
    const queue = this.faults.get(method.toLowerCase()) ?? [];
    queue.push(error);
    this.faults.set(method.toLowerCase(), queue);
    return this;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  /** The first recorded call (already made or still to come) that `matches`; rejects after `timeoutMs`. */
  waitForCall(matches: (call: RecordedCall) => boolean, timeoutMs = 5_000): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.calls.find(matches);
        if (!found) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`no matching Bot API call within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      this.watchers.add(check);
      check();
    });
  }

  /** Answers `POST /bot<token>/<method>` with a JSON body: the HTTP status and the JSON answer. */
  async request(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: ApiResponse }> {
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (!route) return answer(error(404, 'Not Found'));
    if (route[1] !== this.token) return answer(error(401, 'Unauthorized'));
    const payload = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return answer(await this.call(route[2]!, payload, signal));
  }

  /** A fetch for grammY's `client.fetch`: the Bot API in process, no socket. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const text = typeof init?.body === 'string' ? init.body : '';
    const { status, body } = await this.request(url.pathname, text ? JSON.parse(text) : {}, init?.signal ?? undefined);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };

  /** One Bot API method call; rejects only when `signal` aborts a waiting getUpdates. */
  async call(method: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<ApiResponse> {
    const at = performance.now() - this.started;
    const record = (response: ApiResponse): ApiResponse => {
      this.calls.push({ method, payload, at, response });
      for (const watcher of [...this.watchers]) watcher();
      return response;
    };
    const fault = this.faults.get(method.toLowerCase())?.shift();
    if (fault) return record({ ok: false, ...fault });
    return record(await this.answer(method.toLowerCase(), payload, signal));
  }

  private async answer(method: string, p: Record<string, unknown>, signal?: AbortSignal): Promise<ApiResponse> {
    switch (method) {
      case 'getme':
        return ok(this.me);
      case 'getupdates':
        return this.getUpdates(p, signal);
      case 'setwebhook':
        return this.setWebhook(p);
      case 'deletewebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true) this.pending = [];
        return ok(true);
      case 'sendmessage':
        return this.sendMessage(p);
      case 'sendchataction':
        if (!this.knows(p.chat_id)) return error(400, 'Bad Request: chat not found');
        if (typeof p.action !== 'string' || !CHAT_ACTIONS.has(p.action)) return error(400, 'Bad Request: wrong parameter action in request');
        return ok(true);
      default:
        return error(404, 'Not Found');
    }
  }

  private async getUpdates(p: Record<string, unknown>, signal?: AbortSignal): Promise<ApiResponse> {
    if (this.webhook) return error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? Math.min(100, Math.max(1, p.limit)) : 100;
    const timeout = typeof p.timeout === 'number' ? Math.max(0, p.timeout) : 0;
    // An offset confirms every update before it: they are never sent again.
    if (offset > 0) this.pending = this.pending.filter((u) => (u.update_id as number) >= offset);
    this.poll?.answer(error(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    if (this.pending.length > 0 || timeout === 0) return ok(this.pending.slice(0, limit));
    return new Promise<ApiResponse>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.poll === poll) this.poll = undefined;
      };
      const poll = {
        answer: (response: ApiResponse) => {
          finish();
          resolve(response);
        },
        wake: () => poll.answer(ok(this.pending.slice(0, limit))),
      };
      const onAbort = () => {
        finish();
        reject(new DOMException('The getUpdates request was aborted', 'AbortError'));
      };
      const timer = setTimeout(() => poll.answer(ok([])), timeout * 1000);
      timer.unref();
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.poll = poll;
    });
  }

  private setWebhook(p: Record<string, unknown>): ApiResponse {
    if (typeof p.url !== 'string' || p.url === '') return error(400, 'Bad Request: bad webhook: Webhook URL must be non-empty');
    if (!p.url.startsWith('https://')) return error(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
      return error(400, 'Bad Request: secret token contains unallowed characters');
    }
    this.webhook = { url: p.url, ...(typeof secret === 'string' ? { secretToken: secret } : {}) };
    if (p.drop_pending_updates === true) this.pending = [];
    return ok(true);
  }

  private sendMessage(p: Record<string, unknown>): ApiResponse {
    if (!this.knows(p.chat_id)) return error(400, 'Bad Request: chat not found');
    if (typeof p.text !== 'string') return error(400, 'Bad Request: message text is empty');
    let text = p.text;
    let entities: MessageEntity[] = [];
    if (p.parse_mode !== undefined) {
      if (p.parse_mode !== 'HTML') return error(400, `Bad Request: the simulated Bot API does not implement parse_mode ${String(p.parse_mode)}`);
      const parsed = parseTelegramHtml(p.text);
      if (!parsed.ok) return error(400, parsed.description);
      ({ text, entities } = parsed);
    }
    if (text.trim() === '') return error(400, 'Bad Request: message text is empty');
    if (text.length > MAX_TEXT) return error(400, 'Bad Request: message is too long');
    const chatId = Number(p.chat_id);
    const message: DeliveredMessage = { chatId, messageId: this.nextMessageId(chatId), text, entities, ...(p.parse_mode ? { parseMode: String(p.parse_mode) } : {}) };
    this.delivered.push(message);
    return ok({
      message_id: message.messageId,
      date: unixNow(),
      chat: { id: chatId, type: 'private' },
      from: { id: this.me.id, is_bot: true, first_name: this.me.first_name, username: this.me.username },
      text,
      ...(entities.length ? { entities } : {}),
    });
  }

  /** Telegram only lets a bot write to chats it has had a message from. */
  private knows(chatId: unknown): boolean {
    return (typeof chatId === 'number' || typeof chatId === 'string') && this.messageIds.has(Number(chatId));
  }

  private nextMessageId(chatId: number): number {
    const next = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, next);
    return next;
  }
}

function ok(result: unknown): ApiResponse {
  return { ok: true, result };
}

function error(code: number, description: string): ApiError {
  return { ok: false, error_code: code, description };
}

function answer(body: ApiResponse): { status: number; body: ApiResponse } {
  return { status: body.ok ? 200 : body.error_code, body };
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
