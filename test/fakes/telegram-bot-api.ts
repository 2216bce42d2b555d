// A fake Telegram Bot API on loopback: the simulated Bot API (agent/channels/telegram/simulator)
// served over HTTP the way api.telegram.org serves it — `POST /bot<token>/<method>` with a JSON
// body, answered `{ ok, result }` or `{ ok: false, error_code, description, parameters }` with
// the error code as the HTTP status. grammY talks to it through `client.apiRoot`. Tests fill the
// update queue (`telegram.userSays`), queue errors (`telegram.failNext`), and read back every call
// (`telegram.calls`) and what each user received (`telegram.delivered`).

import type { ServerResponse } from 'node:http';
import { SimulatedBotApi } from '../../agent/channels/telegram/simulator/bot-api.ts';
import { HttpFake, sendJson, type RecordedRequest } from './http-fake.ts';

/** A token of the shape Telegram issues, for tests; the bot's id is the part before the colon. */
export const TEST_BOT_TOKEN = '7000000001:AAH-test-token-0123456789abcdefghijklm';

export class TelegramBotApiFake extends HttpFake {
  readonly telegram: SimulatedBotApi;

  constructor(token = TEST_BOT_TOKEN) {
    super();
    this.telegram = new SimulatedBotApi({ token });
    this.route('POST', /^\/bot[^/]+\/[A-Za-z]+$/, (req, res) => this.answer(req, res));
  }

  /** For grammY's `client.apiRoot`. */
  get apiRoot(): string {
    return this.url;
  }

  private async answer(req: RecordedRequest, res: ServerResponse): Promise<void> {
    // A long poll the client gives up on (bot.stop() aborts it) must stop waiting here too.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    try {
      const { status, body } = await this.telegram.request(req.path.split('?')[0]!, req.body, gone.signal);
      sendJson(res, body, status);
    } catch {
      res.destroy();
    }
  }
}
