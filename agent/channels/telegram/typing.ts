// "typing…" under the bot's name while the agent works. Telegram shows a chat action for five
// seconds or until the bot's next message, so it is sent again every few seconds until the
// reply is ready. A failed action is only logged: it must never cost the user their answer.

import type { Api } from 'grammy';

export interface Typing {
  /** Stops sending; resolves once any action already sent has been answered, so the reply comes after it. */
  stop(): Promise<void>;
}

export function keepTyping(api: Api, chatId: number, everyMs: number, onError: (error: unknown) => void): Typing {
  let inFlight: Promise<void> = Promise.resolve();
  const send = () => {
    inFlight = api.sendChatAction(chatId, 'typing').then(
      () => undefined,
      (error: unknown) => onError(error),
    );
  };
  send();
  const timer = setInterval(send, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
