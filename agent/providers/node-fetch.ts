// A fetch over node:http(s) for the OpenAI-compatible SDKs (`openai`, `groq-sdk`), given through
// their documented `fetch` client option. Node 20's built-in fetch (undici behind WHATWG streams)
// spends about 0.85 ms of CPU per small call; this one about 0.5 ms, which is most of Lunar's own
// cost per call against a fast server (`npm run perf`). It does what those SDKs ask of a fetch —
// method, headers, a string or byte body, an abort signal, a streamed response body — and hands
// anything else (a stream or form body) to the built-in fetch.

import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { noteCutShort } from './errors.ts';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Statuses whose response has no body (RFC 9110), which `new Response` refuses one for. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

export const nodeFetch: typeof fetch = async (input, init = {}) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const body = init.body;
  const simpleBody = body == null || typeof body === 'string' || body instanceof Uint8Array;
  // The rest, and what the built-in fetch refuses (credentials in the URL), go to it unchanged.
  if (input instanceof Request || !simpleBody || !(url.protocol in agents) || url.username || url.password) return fetch(input, init);

  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  const method = (init.method ?? 'GET').toUpperCase();
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(url, { method, headers, agent: agents[url.protocol as keyof typeof agents] });
    const onAbort = () => request.destroy(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);

    request.on('error', (error) => {
      settle();
      // As the built-in fetch fails: an AbortError when aborted, else "fetch failed" with the
      // socket's error (ECONNREFUSED, ECONNRESET...) as its cause, which errors.ts classifies.
      reject(error.name === 'AbortError' ? error : new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      // A redirect is followed as the built-in fetch follows it: by handing the request to it.
      if (REDIRECTS.has(status) && response.headers.location && init.redirect !== 'manual') {
        response.resume();
        settle();
        resolve(fetch(input, init));
        return;
      }
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
        else if (value !== undefined) responseHeaders.set(name, value);
      }
      const empty = method === 'HEAD' || NO_BODY.has(status);
      // Once the body is read to its end (or fails), the signal has nothing left to stop.
      response.once('close', settle);
      // The bytes that came before a connection failed mid-body, so the error can say the server
      // answered and where it stopped, not that it could not be reached.
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      response.once('error', (error) => noteCutShort(error, received));
      const stream = empty ? null : (Readable.toWeb(decoded(response)) as ReadableStream<Uint8Array>);
      if (empty) response.resume();
      resolve(new Response(stream, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
    });
    request.end(body ?? undefined);
  });
};

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  return reason instanceof Error && reason.name === 'AbortError' ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/** The body as sent before compression, as the built-in fetch gives it. */
function decoded(response: http.IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
