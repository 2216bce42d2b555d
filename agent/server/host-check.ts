// Which Host a request may name, and which Origin may change state: the one guard `lunar serve` and
// `lunar view` share against DNS rebinding and cross-site requests. A web page open in the user's
// browser can make its own host name resolve to 127.0.0.1 and then talk to a loopback server as
// if it were its own origin; the browser still sends the page's name as Host, so a server that
// answers only the names it was bound for cannot be reached that way. IP literals cannot be
// rebound, which is why the address a request arrived on is always acceptable.
//
// Accepted: localhost, 127.0.0.1 and [::1] on the port the server listens on; the address the
// request arrived on (the bound address, or the interface a wildcard bind answered on) on that
// port; and each --allowed-host name on any port (a reverse proxy in front serves it on its own).
// Anything else is 421. A POST (or any other method that changes state) whose Origin names a host
// that is not accepted, or an opaque origin ("null"), is 403: a page elsewhere may not act here.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { InputError } from '../../core/errors.ts';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
/** Methods a browser sends cross-site without asking first and that change nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export interface HostCheckOptions {
  /** Extra names to answer to (--allowed-host), as parseAllowedHosts returns them. */
  allowedHosts?: readonly string[];
}

/** A host and its port as a request names them; undefined when the text is not a plain host[:port]. */
interface Authority {
  name: string;
  port: number;
}

/**
 * Checks --allowed-host values: a host name or an IP address, no scheme, port or path (a proxy's
 * port varies, so names match on any port). Lowercased, brackets off an IPv6 address.
 */
export function parseAllowedHosts(values: readonly string[] | undefined, option = '--allowed-host'): string[] {
  return [...new Set((values ?? []).map((value) => allowedHost(value, option)))];
}

function allowedHost(value: string, option: string): string {
  const host = bare(value.trim());
  if (NAME.test(host) || isIP(host) !== 0) return host;
  throw new InputError(`${option} ${JSON.stringify(value)}: give a host name or an IP address, without scheme, port or path (e.g. lunar.example.com)`);
}

/** An onRequest hook refusing requests for another host (421) and state changes from another origin (403). */
export function hostCheck(options: HostCheckOptions = {}): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const named = new Set(parseAllowedHosts(options.allowedHosts));
  const accepted = (authority: Authority | undefined, socket: { localAddress?: string; localPort?: number }): boolean => {
    if (!authority) return false;
    if (named.has(authority.name)) return true;
    // Only a request that came through a listening socket has a port to match; Fastify's inject,
    // used in tests, has none, and then only the name is checked.
    if (socket.localPort !== undefined && authority.port !== socket.localPort) return false;
    return LOOPBACK_NAMES.includes(authority.name) || (socket.localAddress !== undefined && authority.name === localName(socket.localAddress));
  };
  return async (request, reply) => {
    const socket = request.raw.socket ?? {};
    const host = request.headers.host;
    if (!accepted(host === undefined ? undefined : hostAuthority(host), socket)) {
      const given = host === undefined ? 'no Host header' : `host ${JSON.stringify(host)}`;
      return refuse(reply, 421, `${given}: this server answers only to the names it was started for; to allow another, start it with --allowed-host <name>`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !SAFE_METHODS.has(request.method) && !accepted(originAuthority(origin), socket)) {
      return refuse(reply, 403, `origin ${JSON.stringify(origin)} may not send ${request.method} requests here; to allow a page at another host, start the server with --allowed-host <its host>`);
    }
    return undefined;
  };
}

function refuse(reply: FastifyReply, status: 403 | 421, error: string): FastifyReply {
  return reply.code(status).send({ error });
}

/** A Host header's name and port (80 when absent): `name`, `name:port`, `[v6]`, `[v6]:port`; nothing else. */
function hostAuthority(header: string): Authority | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\\@\s]+)(?::(\d{1,5}))?$/.exec(header);
  if (!match) return undefined;
  return { name: bare(match[1]!), port: match[2] === undefined ? 80 : Number(match[2]) };
}

/** An Origin's host and port (the scheme's default when absent); undefined for "null" and non-web schemes. */
function originAuthority(header: string): Authority | undefined {
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return { name: bare(url.hostname), port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
}

/** Lowercase, without the brackets of an IPv6 literal. */
function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** The socket's local address as a Host would name it: an IPv4 address mapped into IPv6 as plain IPv4. */
function localName(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}
