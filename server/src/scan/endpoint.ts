// Where a scanner daemon listens. clamd takes a URL (`tcp://host:port`, `unix:/path` or a bare absolute
// path) because Debian's clamd listens on a unix socket by default; spamd usually listens on TCP, so it
// takes `host:port` (or an absolute socket path for `spamd --socketpath`).

export type Endpoint = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export const CLAMD_DEFAULT_PORT = 3310;
export const SPAMD_DEFAULT_PORT = 783;

export function parseClamdUrl(url: string): Endpoint {
  const s = url.trim();
  if (s.startsWith('/')) return { kind: 'unix', path: s };
  if (s.startsWith('unix:')) {
    // unix:/path and unix:///path both name /path.
    const path = s.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/')) throw new Error(`clamd address ${JSON.stringify(url)}: a unix socket needs an absolute path`);
    return { kind: 'unix', path };
  }
  if (s.startsWith('tcp://')) return parseHostPort(s.slice('tcp://'.length).replace(/\/$/, ''), CLAMD_DEFAULT_PORT, 'clamd');
  throw new Error(`clamd address ${JSON.stringify(url)}: expected tcp://host:port, unix:/path or an absolute socket path`);
}

export function parseSpamdAddress(address: string): Endpoint {
  const s = address.trim();
  if (s.startsWith('/')) return { kind: 'unix', path: s };
  return parseHostPort(s, SPAMD_DEFAULT_PORT, 'spamd');
}

function parseHostPort(s: string, defaultPort: number, what: string): Endpoint {
  // [v6]:port, [v6], host:port, host. A bare v6 address without brackets is ambiguous and refused.
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s) ?? /^([^:[\]\s/]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`${what} address ${JSON.stringify(s)}: expected host:port (IPv6 as [addr]:port)`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} address ${JSON.stringify(s)}: port must be 1 to 65535`);
  return { kind: 'tcp', host: m[1]!, port };
}

export function describeEndpoint(e: Endpoint): string {
  if (e.kind === 'unix') return `unix:${e.path}`;
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
