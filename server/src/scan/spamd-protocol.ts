// spamd's SPAMC/1.5 protocol, kept apart from the socket code so it can be tested byte for byte.
// Request: `SYMBOLS SPAMC/1.5`, headers, blank line, the message. SYMBOLS answers like CHECK (the Spam
// header with score and threshold) plus the names of the rules that hit, so one request gives both.
import type { SpamOutcome } from './outcomes.ts';

export function spamdRequest(command: 'SYMBOLS' | 'CHECK', content: Buffer, user: string): Buffer {
  if (/[\r\n]/.test(user)) throw new Error('spamd user name must not contain line breaks');
  const head = `${command} SPAMC/1.5\r\nContent-length: ${content.length}\r\nUser: ${user}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), content]);
}

export const PING_REQUEST = Buffer.from('PING SPAMC/1.5\r\n\r\n', 'ascii');

interface Reply {
  protocol: string;
  code: number;
  message: string;
  headers: Map<string, string>;
  body: string;
}

/** Splits `SPAMD/1.1 0 EX_OK`, the headers and the body; null when the status line is not spamd's. */
export function parseReply(received: Buffer): Reply | null {
  const text = received.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const [status = '', ...lines] = head.split('\r\n');
  const m = /^(SPAMD\/\d+\.\d+) (\d+) ?(.*)$/.exec(status.trim());
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { protocol: m[1]!, code: Number(m[2]), message: m[3]!, headers, body: headEnd < 0 ? '' : text.slice(headEnd + 4) };
}

export function parseCheckReply(received: Buffer): SpamOutcome {
  const reply = parseReply(received);
  if (!reply)
    return { kind: 'error', message: received.length === 0 ? 'spamd closed the connection without a reply' : `spamd: unexpected reply ${JSON.stringify(received.subarray(0, 80).toString('utf8'))}` };
  if (reply.code !== 0) return { kind: 'error', message: `spamd: ${reply.code} ${reply.message}` };
  // `Spam: True ; 15.0 / 5.0` (spamd 3.x and later; `Yes`/`No` from older ones).
  const spam = /^(true|false|yes|no)\s*;\s*(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)$/i.exec(reply.headers.get('spam') ?? '');
  if (!spam) return { kind: 'error', message: `spamd: reply without a valid Spam header (${JSON.stringify(reply.headers.get('spam') ?? null)})` };
  const rules = reply.body
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return { kind: 'scored', score: Number(spam[2]), threshold: Number(spam[3]), isSpam: /^(true|yes)$/i.test(spam[1]!), rules };
}

/** The protocol version from `SPAMD/1.5 0 PONG`; throws with spamd's words otherwise. */
export function parsePong(received: Buffer): string {
  const reply = parseReply(received);
  if (!reply || reply.code !== 0 || reply.message !== 'PONG') throw new Error(`spamd: unexpected PING reply ${JSON.stringify(received.subarray(0, 80).toString('utf8'))}`);
  return reply.protocol;
}
