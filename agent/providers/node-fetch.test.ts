import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './node-fetch.ts';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-seen-method': req.method ?? '', 'x-seen-auth': req.headers.authorization ?? '' });
        res.end(JSON.stringify({ body }));
      } else if (req.url === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        res.end(gzipSync('squeezed text'));
      } else if (req.url === '/moved') {
        res.writeHead(307, { location: '/echo' }).end();
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        setTimeout(() => res.end('data: two\n\n'), 20);
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2_000).unref();
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetch over node:http', () => {
  it('sends the method, headers and body, and gives status, headers and body back', async () => {
    const res = await nodeFetch(`${base}/echo`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen-method')).toBe('POST');
    expect(res.headers.get('x-seen-auth')).toBe('Bearer k');
    expect(await res.json()).toEqual({ body: '{"a":1}' });
  });

  it('decompresses a gzip body, follows a redirect, and gives no body for 204', async () => {
    expect(await (await nodeFetch(`${base}/gzip`)).text()).toBe('squeezed text');
    const moved = await nodeFetch(`${base}/moved`, { method: 'POST', body: 'x' });
    expect([moved.status, await moved.json()]).toEqual([201, { body: 'x' }]);
    const empty = await nodeFetch(`${base}/nothing`);
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it('streams a body as it arrives', async () => {
    const res = await nodeFetch(`${base}/stream`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: one\n\n');
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += new TextDecoder().decode(part.value);
    expect(rest).toBe('data: two\n\n');
  });

  it('fails as the built-in fetch does: an AbortError when aborted, "fetch failed" with the socket error as its cause', async () => {
    const controller = new AbortController();
    const pending = nodeFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const refused = await nodeFetch('http://127.0.0.1:9/').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});
