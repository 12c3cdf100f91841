// Outbound SMTP for one job (one message, one destination domain) with nodemailer's SMTP client.
// STARTTLS is used whenever the peer offers it, without certificate checks (opportunistic, as MTAs do);
// a 4xx or a connection problem defers, a 5xx bounces, per recipient where the peer says per recipient.
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { Config } from '../config/settings.ts';
import type { DeliveryJob } from '../store/types.ts';
import { PermanentRoutingError, resolveHops, type Hop } from './mx.ts';

export type RecipientResult = { result: 'delivered' } | { result: 'deferred' | 'bounced'; error: string };

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

export async function deliverRemote(job: DeliveryJob, content: Buffer, config: Config): Promise<Map<number, RecipientResult>> {
  const all = (r: RecipientResult) => new Map(job.recipients.map((rcpt) => [rcpt.id, r]));
  let hops: Hop[];
  try {
    hops = await resolveHops(job.domain, config.relay);
  } catch (err) {
    const message = (err as Error).message;
    return all(err instanceof PermanentRoutingError ? { result: 'bounced', error: message } : { result: 'deferred', error: `DNS: ${message}` });
  }
  let lastError = 'no mail host';
  for (const hop of hops) {
    try {
      return await sendVia(hop, job, content, config);
    } catch (err) {
      const e = err as SmtpError;
      const text = describe(hop, e);
      // A 5xx for the whole transaction is the receiver's final word: do not try the next MX.
      if (e.responseCode !== undefined && e.responseCode >= 500) return all({ result: 'bounced', error: text });
      lastError = text;
    }
  }
  return all({ result: 'deferred', error: lastError });
}

function sendVia(hop: Hop, job: DeliveryJob, content: Buffer, config: Config): Promise<Map<number, RecipientResult>> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({
      host: hop.host,
      port: hop.port,
      name: config.hostname,
      secure: false,
      opportunisticTLS: true,
      tls: { rejectUnauthorized: false },
      connectionTimeout: config['delivery.connect_timeout_seconds'] * 1000,
      greetingTimeout: config['delivery.smtp_timeout_seconds'] * 1000,
      socketTimeout: config['delivery.smtp_timeout_seconds'] * 1000,
    } as SMTPConnection.Options);
    let settled = false;
    const finish = (err: SmtpError | null, value?: Map<number, RecipientResult>) => {
      if (settled) return;
      settled = true;
      connection.quit();
      connection.close();
      if (err) reject(err);
      else resolve(value!);
    };
    connection.once('error', (err: SmtpError) => finish(err));
    connection.connect(() => {
      const envelope = { from: job.sender, to: job.recipients.map((r) => r.address) };
      connection.send(envelope, content, (err: SmtpError | null, info?: { rejectedErrors?: SmtpError[] }) => {
        const results = new Map<number, RecipientResult>();
        const perRecipient = err ? err.rejectedErrors : info?.rejectedErrors;
        // "all recipients were rejected" carries the per-recipient replies; use them.
        if (err && !(perRecipient && perRecipient.length === job.recipients.length)) return finish(err);
        for (const rcpt of job.recipients) {
          const rejected = perRecipient?.find((e) => e.recipient?.toLowerCase() === rcpt.address.toLowerCase());
          if (!rejected) results.set(rcpt.id, { result: 'delivered' });
          else results.set(rcpt.id, { result: (rejected.responseCode ?? 450) >= 500 ? 'bounced' : 'deferred', error: describe(hop, rejected) });
        }
        finish(null, results);
      });
    });
  });
}

function describe(hop: Hop, err: SmtpError): string {
  const reply = err.response ? err.response.replace(/\s+/g, ' ').trim() : err.message;
  return `${hop.host}:${hop.port} said: ${reply}`.slice(0, 1000);
}
