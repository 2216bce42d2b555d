import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { packages } from '../../core/packages.ts';
import { InputError } from '../../core/errors.ts';
import { hostCheck, parseAllowedHosts, type HostCheckOptions } from './host-check.ts';
import { rawRequest } from './test-http.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server with the guard and a route of each kind, listening for real; counts the requests that got through. */
async function guarded(host: string, options: HostCheckOptions = {}) {
  const app = packages.fastify({ logger: false });
  app.addHook('onRequest', hostCheck(options));
  let reached = 0;
  app.get('/', async () => ({ reached: ++reached }));
  app.post('/act', async () => ({ reached: ++reached }));
  const address = await app.listen({ host, port: 0 });
  closers.push(() => app.close());
  const port = Number(new URL(address).port);
  return { address, port, reached: () => reached };
}

/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === 'IPv4' && !i.internal)?.address;

describe('the Host check, over real HTTP', () => {
  it('answers the loopback names and the bound address on the bound port, and 421 to any other host', async () => {
    const { address, port, reached } = await guarded('127.0.0.1');
    const get = (host: string) => rawRequest(address, { headers: { host } });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) expect((await get(host)).status, host).toBe(200);
    // A rebinding page sends its own name; near misses of the allowed names and other ports are no better.
    const refused = [`attacker.example:${port}`, `localhost.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.:${port}`, `localhost:${port + 1}`, 'localhost', `0.0.0.0:${port}`, `127.0.0.2:${port}`, `user@localhost:${port}`];
    for (const host of refused) {
      const response = await get(host);
      expect(response.status, host).toBe(421);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body)).toEqual({ error: `host ${JSON.stringify(host)}: this server answers only to the names it was started for; to allow another, start it with --allowed-host <name>` });
      expect(response.body).not.toContain('\n');
    }
    // HTTP/1.0 lets a client leave Host out; no browser does, and nothing says which server it meant.
    const bare = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(bare).toMatch(/^HTTP\/1\.1 421 /);
    expect(bare).toContain('{"error":"no Host header: this server answers only to the names it was started for; to allow another, start it with --allowed-host <name>"}');
    expect(reached()).toBe(4);
  });

  it('answers an --allowed-host name on any port (a proxy serves it on its own)', async () => {
    const { address, port } = await guarded('127.0.0.1', { allowedHosts: ['Lunar.Example.com'] });
    for (const host of ['lunar.example.com', 'lunar.example.com:443', `LUNAR.example.com:${port}`]) expect((await rawRequest(address, { headers: { host } })).status, host).toBe(200);
    expect((await rawRequest(address, { headers: { host: 'other.example.com' } })).status).toBe(421);
  });

  it.skipIf(lanAddress === undefined)('on a wildcard address, answers the address a request arrived on, and not the wildcard', async () => {
    const { port } = await guarded('0.0.0.0');
    const lan = `http://${lanAddress}:${port}`;
    expect((await rawRequest(lan, { headers: { host: `${lanAddress}:${port}` } })).status).toBe(200);
    expect((await rawRequest(lan, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await rawRequest(lan, { headers: { host: `attacker.example:${port}` } })).status).toBe(421);
    expect((await rawRequest(lan, { headers: { host: `0.0.0.0:${port}` } })).status).toBe(421);
  });
});

describe('the Origin check, over real HTTP', () => {
  it('refuses a state change from a page of another origin with 403, and lets reads and same-origin posts through', async () => {
    const { address, port, reached } = await guarded('127.0.0.1');
    const post = (origin?: string) => rawRequest(address, { method: 'POST', path: '/act', headers: { host: `127.0.0.1:${port}`, ...(origin ? { origin } : {}) }, json: {} });
    // A page elsewhere, another app on this machine, a sandboxed frame or file: — none may act here.
    for (const origin of ['https://attacker.example', `http://attacker.example:${port}`, 'http://localhost:3000', 'null', 'file://', 'not a url']) {
      const response = await post(origin);
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body)).toEqual({ error: `origin ${JSON.stringify(origin)} may not send POST requests here; to allow a page at another host, start the server with --allowed-host <its host>` });
    }
    expect(reached()).toBe(0);
    for (const origin of [undefined, `http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) expect((await post(origin)).status, origin).toBe(200);
    // A read is not a state change: a cross-site GET cannot read the answer without CORS, which these servers never send.
    expect((await rawRequest(address, { headers: { host: `127.0.0.1:${port}`, origin: 'https://attacker.example' } })).status).toBe(200);
  });
});

describe('parseAllowedHosts', () => {
  it('takes host names and IP addresses, lowercased and deduplicated, and refuses anything with a scheme, port or path', () => {
    expect(parseAllowedHosts(['Lunar.Example.com', 'lunar.example.com', '10.0.0.5', '[fd00::2]', 'fd00::3', 'box'])).toEqual(['lunar.example.com', '10.0.0.5', 'fd00::2', 'fd00::3', 'box']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
    for (const bad of ['https://lunar.example.com', 'lunar.example.com:8080', 'lunar.example.com/x', '*.example.com', '-bad.example', '']) {
      expect(() => parseAllowedHosts([bad]), bad).toThrow(InputError);
    }
  });
});
