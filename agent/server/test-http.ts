// Raw HTTP for the servers' tests: a request carrying exactly the Host and Origin given, as a
// browser sends them for a page that rebound its name to 127.0.0.1 or posts from another site.
// fetch decides Host itself, so these attacks need node:http.

import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** Sent as given; `host` replaces the one the address would give. */
  headers?: Record<string, string>;
  /** JSON-encoded, with content-type application/json unless the headers say otherwise. */
  json?: unknown;
}

/** One request to `address` (http://ip:port), connecting there whatever Host says. */
export function rawRequest(address: string, options: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(address);
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const sent = request({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
