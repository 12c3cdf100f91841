// smtp-server's own logger interface, fed into our categories: every command (C:) and reply (S:) of a
// session goes to the listener's category (smtp or submission), connects, disconnects and TLS go to
// tcpip. smtp-server already replaces AUTH arguments and SASL continuation lines with "/* secured */"
// and never logs message bodies; DATA is logged by the listener as a byte count.
import { format } from 'node:util';
import { logger } from '../telemetry/log.ts';

type Meta = { tnx?: string; cid?: string; host?: string; [key: string]: unknown };
type LogFn = (meta: Meta | string, message?: string, ...args: unknown[]) => void;

const TCPIP_EVENTS = new Set(['connection', 'close', 'closed', 'starttls', 'sni', 'network', 'proxy', 'kill', 'listen']);
const PROTOCOL_EVENTS = new Set(['command', 'send', 'auth', 'autherror', 'authfail', 'authskip', 'deauth', 'data', 'message']);

export function smtpServerLogger(kind: 'smtp' | 'submission'): Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', LogFn> {
  const protocol = logger(kind);
  const tcpip = logger('tcpip');
  const debug = logger('debug');
  const write = (defaultLevel: 'info' | 'warn' | 'error'): LogFn => (meta, message, ...args) => {
    let level = defaultLevel;
    if (typeof meta === 'string') {
      debug[level]({ listener: kind }, format(meta, message ?? '', ...args));
      return;
    }
    const tnx = meta.tnx ?? '';
    let target = PROTOCOL_EVENTS.has(tnx) ? protocol : TCPIP_EVENTS.has(tnx) ? tcpip : debug;
    const line = format(message ?? '', ...args);
    // A client that resets the connection (many do right after QUIT) is routine, not an error.
    if (level === 'error' && /ECONNRESET|EPIPE|socket hang up/.test(line)) {
      level = 'info';
      target = tcpip;
    }
    if (!target.isEnabled(level)) return;
    target[level]({ session: meta.cid, remote: meta.host, listener: kind, event: tnx || undefined }, line);
  };
  const info = write('info');
  return { trace: info, debug: info, info, warn: write('warn'), error: write('error'), fatal: write('error') };
}
