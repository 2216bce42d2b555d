// Who may read the viewer. Its pages hold model answers, prompts and dataset contents, so by
// default it listens on loopback only; another address needs a token (--token or
// LUNAR_VIEW_TOKEN), and with a token every request — pages, unknown routes — must carry it, as
// `Authorization: Bearer <token>` or `?token=<token>` (a browser following a link can only send
// the second). Tokens are compared in constant time (agent/server/auth.ts).

import { bearerMatches, isLoopback, sameSecret } from '../../agent/server/auth.ts';
import { InputError } from '../../core/errors.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const TOKEN_ENV = 'LUNAR_VIEW_TOKEN';


/** Refuses to serve a non-loopback address without a token: bad configuration (exit 2) naming both ways to give one. */
export function checkBind(host: string, token: string | undefined): void {
  if (token !== undefined && token.trim() === '') throw new InputError(`--token / ${TOKEN_ENV}: the token is empty; give a long random string`);
  if (!isLoopback(host) && token === undefined) {
    throw new InputError(`--host ${host}: anyone who can reach this address could read every run; set a token with --token or ${TOKEN_ENV} (then every request needs it), or keep the default --host ${DEFAULT_HOST}`);
  }
}

export interface RequestCredentials {
  authorization?: string;
  /** The `token` query parameter, as parsed (an array when repeated). */
  queryToken?: unknown;
}

export function tokenAllowed(request: RequestCredentials, token: string): boolean {
  if (request.authorization !== undefined) return bearerMatches(request.authorization, token);
  return typeof request.queryToken === 'string' && sameSecret(request.queryToken, token);
}
