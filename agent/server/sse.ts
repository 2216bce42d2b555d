// Server-Sent Events on a raw Node response: one `event:` line and one `data:` line of JSON per
// event. A client that goes away is noticed, so the run behind the stream can be stopped.

import type { ServerResponse } from 'node:http';

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
  /** Aborts when the client disconnects before the stream ends. */
  readonly gone: AbortSignal;
}

export function openEventStream(response: ServerResponse): EventStream {
  const gone = new AbortController();
  response.on('close', () => {
    if (!response.writableEnded) gone.abort(new Error('the client disconnected'));
  });
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise hold the deltas back until the end.
    'x-accel-buffering': 'no',
  });
  return {
    send(event, data) {
      if (!response.writableEnded && !response.destroyed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!response.writableEnded) response.end();
    },
    gone: gone.signal,
  };
}
