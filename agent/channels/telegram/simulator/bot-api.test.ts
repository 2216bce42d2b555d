import { describe, expect, it } from 'vitest';
import { SimulatedBotApi } from './bot-api.ts';

const TOKEN = '123:secret-token';
const ada = { id: 11, first_name: 'Ada' };
const ids = (response: { ok: boolean; result?: unknown }) => (response as { result: { update_id: number }[] }).result.map((u) => u.update_id);

describe('the simulated Bot API', () => {
  it('keeps updates until an offset past them confirms them', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    api.userSays(ada, 'one');
    api.userSays(ada, 'two');
    expect(ids(await api.call('getUpdates', {}))).toEqual([1, 2]);
    expect(ids(await api.call('getUpdates', { offset: 2 }))).toEqual([2]);
    expect(ids(await api.call('getUpdates', { offset: 3 }))).toEqual([]);
    expect(ids(await api.call('getUpdates', {}))).toEqual([]);
  });

  it('holds a long poll open until an update arrives', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    const started = performance.now();
    const poll = api.call('getUpdates', { timeout: 10 });
    setTimeout(() => api.userSays(ada, 'hello'), 50);
    expect(ids(await poll)).toEqual([1]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('ends a waiting poll with 409 when a second one comes, and rejects an aborted one', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    const first = api.call('getUpdates', { timeout: 10 });
    const controller = new AbortController();
    const second = api.call('getUpdates', { timeout: 10 }, controller.signal);
    expect(await first).toEqual({ ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('gives a command its bot_command entity, as Telegram does', () => {
    const update = new SimulatedBotApi({ token: TOKEN }).userSays(ada, '/reset@lunar_bot now') as { message: { entities: unknown } };
    expect(update.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 16 }]);
  });

  it('refuses a message to a chat it has not seen, an empty one, and one over 4096 visible characters', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    expect(await api.call('sendMessage', { chat_id: 11, text: 'hi' })).toMatchObject({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    api.userSays(ada, 'hello');
    expect(await api.call('sendMessage', { chat_id: 11, text: ' ' })).toMatchObject({ ok: false, description: 'Bad Request: message text is empty' });
    expect(await api.call('sendMessage', { chat_id: 11, text: 'x'.repeat(4097) })).toMatchObject({ ok: false, description: 'Bad Request: message is too long' });
    // Tags do not count: 4096 visible characters in bold are allowed.
    expect(await api.call('sendMessage', { chat_id: 11, text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' })).toMatchObject({ ok: true });
    expect(api.delivered).toHaveLength(1);
    expect(api.delivered[0]).toMatchObject({ chatId: 11, messageId: 2, parseMode: 'HTML', entities: [{ type: 'bold', offset: 0, length: 4096 }] });
  });

  it('answers the next call of a method with a queued error, recorded like any call', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    api.userSays(ada, 'hello');
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    expect(await api.call('sendMessage', { chat_id: 11, text: 'a' })).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    expect(await api.call('sendMessage', { chat_id: 11, text: 'b' })).toMatchObject({ ok: true, result: { text: 'b' } });
    expect(api.callsOf('sendMessage').map((c) => c.response.ok)).toEqual([false, true]);
  });

  it('answers only its own token, and refuses getUpdates while a webhook is set', async () => {
    const api = new SimulatedBotApi({ token: TOKEN });
    expect(await api.request('/bot999:other/getMe', {})).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await api.request(`/bot${TOKEN}/getMe`, {})).toMatchObject({ status: 200, body: { ok: true, result: { id: 123, is_bot: true } } });
    expect(await api.call('setWebhook', { url: 'http://example.com/hook' })).toMatchObject({ ok: false, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
    expect(await api.call('setWebhook', { url: 'https://example.com/hook', secret_token: 's3cret' })).toEqual({ ok: true, result: true });
    expect(api.webhook).toEqual({ url: 'https://example.com/hook', secretToken: 's3cret' });
    expect(await api.call('getUpdates', {})).toMatchObject({ ok: false, error_code: 409 });
  });
});
