// Bounce messages: RFC 3464 delivery status notifications (multipart/report) sent to the original
// sender. Never to the null sender, so a bounce can never bounce again.
import crypto from 'node:crypto';
import { rfc2822Date } from '../util/date.ts';

export interface FailedRecipient {
  address: string;
  error: string;
  /** True when we gave up after temporary failures (expiry), not on a permanent reply. */
  expired: boolean;
}

export interface BounceInput {
  hostname: string;
  queueId: string;
  sender: string;
  arrivedAt: number;
  failed: FailedRecipient[];
  original: Buffer;
  now?: Date;
}

const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

export function statusOf(recipient: FailedRecipient): string {
  if (recipient.expired) return '4.4.7';
  const m = ENHANCED.exec(recipient.error);
  return m && m[1] === '5' ? `${m[1]}.${m[2]}.${m[3]}` : '5.0.0';
}

function diagnostic(error: string): string | null {
  const m = /said: (\d{3}[ -].*)$/.exec(error);
  return m ? `smtp; ${m[1]!.replace(/[\r\n]+/g, ' ')}` : null;
}

/** The DSN's raw RFC 5322 content. Returns null for the null sender (no bounce is sent). */
export function buildBounce(input: BounceInput): Buffer | null {
  if (input.sender === '') return null;
  const now = input.now ?? new Date();
  const boundary = `mailroom-dsn-${crypto.randomBytes(9).toString('hex')}`;
  const headerEnd = input.original.indexOf('\r\n\r\n');
  const originalHeaders = (headerEnd >= 0 ? input.original.subarray(0, headerEnd + 2) : input.original.subarray(0, 64 * 1024)).toString('utf8');
  const explanation = input.failed.map((r) => `<${r.address}>: ${r.error}`).join('\r\n');
  const perRecipient = input.failed
    .map((r) => {
      const lines = [`Final-Recipient: rfc822; ${r.address}`, 'Action: failed', `Status: ${statusOf(r)}`];
      const diag = diagnostic(r.error);
      if (diag) lines.push(`Diagnostic-Code: ${diag}`);
      return lines.join('\r\n');
    })
    .join('\r\n\r\n');
  const text = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.sender}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${rfc2822Date(now)}`,
    `Message-ID: <${input.queueId}.dsn.${now.getTime()}@${input.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `This is the mail system at host ${input.hostname}.`,
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    explanation,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${input.hostname}`,
    `X-Mailroom-Queue-ID: ${input.queueId}`,
    `Arrival-Date: ${rfc2822Date(new Date(input.arrivedAt))}`,
    '',
    perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders.replace(/\r?\n$/, ''),
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(text.join('\r\n'), 'utf8');
}
