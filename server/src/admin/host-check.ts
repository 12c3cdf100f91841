// The admin port answers only to host names it knows (DNS rebinding): a web page on an attacker's domain
// can point that domain at 127.0.0.1 and have the victim's browser read /metrics or /healthz from it,
// same-origin as far as the browser is concerned. The browser still sends the attacker's name in Host,
// so a name we do not know gets 421 Misdirected Request (RFC 9110 15.5.20: this server will not answer
// for that authority) before any route runs, tokens or not.
//
// Always allowed: an IP literal (a browser sends one only when the page itself was loaded from that
// address, so it cannot be rebound; Prometheus and the Grafana plugin usually scrape 127.0.0.1:9425),
// `localhost`, the configured `hostname` and `bind` when it is a name. Other names come from
// admin.allowed_hosts. A request without Host (HTTP/1.0 tools) is not a browser and passes.
import net from 'node:net';
import type Koa from 'koa';
import type { Config } from '../config/settings.ts';
import { ApiError } from './errors.ts';

export function allowedHostNames(config: Pick<Config, 'hostname' | 'bind' | 'admin.allowed_hosts'>): Set<string> {
  const names = ['localhost', config.hostname, ...(net.isIP(config.bind) ? [] : [config.bind]), ...config['admin.allowed_hosts']];
  return new Set(names.map(normalise));
}

/** The host part of a Host header value, lower case, brackets and a trailing dot removed; null if malformed. */
export function hostOf(header: string): string | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9._-]+))(?::\d{1,5})?$/i.exec(header.trim());
  if (!m) return null;
  return m[1] !== undefined ? (net.isIPv6(m[1]) ? m[1].toLowerCase() : null) : normalise(m[2]!);
}

export function hostAllowed(header: string, names: ReadonlySet<string>): boolean {
  if (header === '') return true;
  const host = hostOf(header);
  return host !== null && (net.isIP(host) !== 0 || names.has(host));
}

export function hostCheck(config: Config): Koa.Middleware {
  const names = allowedHostNames(config);
  return async function checkHost(ctx, next) {
    if (!hostAllowed(ctx.get('Host'), names)) {
      // The Host value is not echoed: it is whatever the requester chose.
      throw new ApiError(421, 'misdirected_request', 'this admin port does not answer to the host name in the Host header; list it in admin.allowed_hosts');
    }
    await next();
  };
}

const normalise = (name: string): string => name.toLowerCase().replace(/\.$/, '');
