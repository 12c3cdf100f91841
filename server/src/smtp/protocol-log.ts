// smtp-server's own logger interface, fed into our categories: the SMTP conversation goes to the
// listener's category (smtp or submission), connects, disconnects and TLS go to tcpip. smtp-server
// already replaces AUTH arguments and SASL continuation lines with "/* secured */" and never logs
// message bodies (DATA appears as a byte count).
//
// One line per exchange: a command and the reply to it become "C: MAIL FROM:<a@b.test> | S: 250 ..."
// (a reply nobody asked for, like the greeting, stands alone, and so does a command the connection
// closed on). hMailServer logs each direction on its own line; pairing them halves the lines a
// session writes, which is most of what every-category-on logging costs (BENCHMARKS.md, Logging), and
// reads better. Pipelined commands wait in order for their replies, a few per session at most.
import { format } from 'node:util';
import { logger } from '../telemetry/log.ts';

type Meta = { tnx?: string; cid?: string; host?: string; [key: string]: unknown };
type LogFn = (meta: Meta | string, message?: string, ...args: unknown[]) => void;

const TCPIP_EVENTS = new Set(['connection', 'close', 'closed', 'starttls', 'sni', 'network', 'proxy', 'kill', 'listen']);
const PROTOCOL_EVENTS = new Set(['command', 'send', 'auth', 'autherror', 'authfail', 'authskip', 'deauth', 'data', 'message']);
/** Commands of one session waiting for their replies; beyond this the oldest is logged on its own. */
const MAX_WAITING_COMMANDS = 16;
/** smtp-server logs a close twice: the socket's event (dropped here) and "Connection closed to" right after. */
const SOCKET_CLOSE_EVENT = /received "close" event/;
const ROUTINE_RESET = /ECONNRESET|EPIPE|socket hang up/;
const QUEUED_AS = /^S: 250 .*queued as (\S+)/;

export function smtpServerLogger(kind: 'smtp' | 'submission'): Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', LogFn> {
  const protocol = logger(kind);
  const tcpip = logger('tcpip');
  const debug = logger('debug');
  const waiting = new Map<string, string[]>();
  /** Sessions that sent QUIT: many clients reset the connection instead of waiting for the 221. */
  const quitting = new Set<string>();

  // The reply to DATA names the queue id: carried as a field, it ties the session to the message's
  // delivery lines (the listener's own "message accepted" line is debug).
  const conversation = (meta: Meta, line: string, queueId?: string) => protocol.info({ session: meta.cid, remote: meta.host, listener: kind, event: 'command', queueId }, line);

  /** Commands and replies; false when the line is something else. */
  const exchange = (tnx: string, meta: Meta, message: string | undefined, args: unknown[]): boolean => {
    const session = meta.cid;
    if (!session || !(tnx === 'command' || tnx === 'send' || tnx === 'data')) return false;
    if (message !== 'C:' && message !== 'S:' && !(tnx === 'data' && message?.startsWith('C: '))) return false;
    if (message === 'C:' && typeof args[0] === 'string' && args[0].toUpperCase() === 'QUIT') quitting.add(session);
    if (!protocol.isEnabled('info')) return true;
    const line = format(message, ...args);
    const queue = waiting.get(session);
    if (message === 'S:') {
      const command = queue?.shift();
      conversation(meta, command === undefined ? line : `${command} | ${line}`, QUEUED_AS.exec(line)?.[1]);
      return true;
    }
    if (!queue) waiting.set(session, [line]);
    else {
      if (queue.length >= MAX_WAITING_COMMANDS) conversation(meta, queue.shift()!);
      queue.push(line);
    }
    return true;
  };

  /** Commands still waiting when the connection goes are logged as they were. */
  const closed = (meta: Meta) => {
    if (meta.cid) quitting.delete(meta.cid);
    const queue = meta.cid ? waiting.get(meta.cid) : undefined;
    if (!queue) return;
    waiting.delete(meta.cid!);
    if (protocol.isEnabled('info')) for (const command of queue) conversation(meta, command);
  };

  const write =
    (defaultLevel: 'info' | 'warn' | 'error'): LogFn =>
    (meta, message, ...args) => {
      let level: 'debug' | 'info' | 'warn' | 'error' = defaultLevel;
      if (typeof meta === 'string') {
        debug[level]({ listener: kind }, format(meta, message ?? '', ...args));
        return;
      }
      const tnx = meta.tnx ?? '';
      if (level === 'info' && exchange(tnx, meta, message, args)) return;
      if (tnx === 'close') {
        if (message && SOCKET_CLOSE_EVENT.test(message)) return;
        closed(meta);
      }
      let target = PROTOCOL_EVENTS.has(tnx) ? protocol : TCPIP_EVENTS.has(tnx) ? tcpip : debug;
      let line: string | undefined;
      // A socket error names its session only in the text ("<id> <address> <error>").
      const session = meta.cid ?? (tnx === 'error' && typeof args[0] === 'string' ? args[0] : undefined);
      if (level === 'error') {
        line = format(message ?? '', ...args);
        // A client that resets the connection is routine, not an error; right after its QUIT (many
        // clients do not wait for the 221) it is not even news.
        if (ROUTINE_RESET.test(line)) {
          const afterQuit = session !== undefined && quitting.has(session);
          level = afterQuit ? 'debug' : 'info';
          target = afterQuit ? debug : tcpip;
        }
      }
      // Checked before formatting: smtp-server logs a lot, mostly into categories that are off.
      if (!target.isEnabled(level)) return;
      line ??= format(message ?? '', ...args);
      target[level]({ session, remote: meta.host, listener: kind, event: tnx || undefined }, line);
    };
  const info = write('info');
  return { trace: info, debug: info, info, warn: write('warn'), error: write('error'), fatal: write('error') };
}
