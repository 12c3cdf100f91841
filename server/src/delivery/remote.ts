// Outbound SMTP for one job (one message, one destination domain) with nodemailer's SMTP client.
// STARTTLS is used whenever the peer offers it, without certificate checks (opportunistic, as MTAs do);
// a route (next-hop.ts) may require STARTTLS or implicit TLS and log in with AUTH, only ever over TLS.
// A 4xx or a connection problem defers, a 5xx bounces, per recipient where the peer says per recipient;
// a refused login defers whatever its code (the credentials are the operator's to fix, not the
// recipient's fault: Postfix does the same), with the peer's reply, never the password, in the queue.
// Host names are turned into addresses by our resolver (dns/), never by nodemailer's own lookups, so
// dns.servers decides where every name comes from; the name still goes to the peer for SNI.
import net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { Config } from '../config/settings.ts';
import type { DeliveryJob } from '../store/types.ts';
import type { AttemptDetail } from '../store/history-store.ts';
import type { DeferralReason } from '../telemetry/events.ts';
import { countTlsHandshake } from '../telemetry/tls-handshakes.ts';
import { dnsFor } from '../dns/resolver.ts';
import { PermanentRoutingError, resolveHops, type Hop } from './mx.ts';
import { replyCodeOf } from '../store/history-store.ts';
import type { NextHop } from './next-hop.ts';

/** Addresses tried in one attempt, over all MX hosts (Postfix's smtp_mx_address_limit is 5 too). */
const MAX_ADDRESSES_PER_ATTEMPT = 5;

export type { DeferralReason };

export type RecipientResult = ({ result: 'delivered' } | { result: 'deferred' | 'bounced'; error: string; reason?: DeferralReason }) & {
  /** Where and how it was tried, for the message history. */
  attempt?: AttemptDetail;
};

/** What one connection learned, whatever became of it: the history's attempt and the TLS metric. */
export interface ConnectionFacts {
  tls?: string;
  /** A STARTTLS handshake was tried and failed. */
  tlsFailed?: boolean;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
  /** Set on a failed or impossible login: defers, whatever the reply code. */
  duringLogin?: boolean;
}

export async function deliverRemote(job: DeliveryJob, content: Buffer, config: Config, route: NextHop | null = null): Promise<Map<number, RecipientResult>> {
  const started = Date.now();
  let where: AttemptDetail = {};
  const all = (r: RecipientResult) =>
    new Map(
      job.recipients.map((rcpt) => [
        rcpt.id,
        { ...r, attempt: { ...where, replyCode: replyCodeOfError(r), replyText: 'error' in r ? r.error : undefined, ...r.attempt, durationMs: Date.now() - started } },
      ]),
    );
  let hops: Hop[];
  try {
    hops = await resolveHops(job.domain, route, dnsFor(config));
  } catch (err) {
    const message = (err as Error).message;
    return all(err instanceof PermanentRoutingError ? { result: 'bounced', error: message } : { result: 'deferred', error: `DNS: ${message}`, reason: 'dns' });
  }
  let lastError = 'no mail host';
  let lastReason: DeferralReason = 'dns';
  let tried = 0;
  for (const hop of hops) {
    let addresses: string[];
    try {
      addresses = await dnsFor(config).addresses(hop.host);
    } catch (err) {
      // An MX host without an address is the next host's turn; if none has one, the attempt is deferred.
      lastError = `${hop.host}: ${(err as Error).message}`;
      continue;
    }
    for (const address of addresses) {
      if (tried++ >= MAX_ADDRESSES_PER_ATTEMPT) return all({ result: 'deferred', error: lastError, reason: lastReason });
      const facts: ConnectionFacts = {};
      where = { mxHost: hop.host, mxIp: address };
      try {
        const results = await sendVia(hop, address, job, content, config, facts);
        if (facts.tls) countTlsHandshake('outbound', facts.tls, true);
        where.tls = facts.tls;
        const durationMs = Date.now() - started;
        return new Map([...results].map(([id, r]) => [id, { ...r, attempt: { ...where, ...r.attempt, durationMs } }]));
      } catch (err) {
        const e = err as SmtpError;
        if (facts.tlsFailed) countTlsHandshake('outbound', null, false);
        else if (facts.tls) countTlsHandshake('outbound', facts.tls, true);
        where.tls = facts.tls;
        const text = describe(hop, e);
        // A 5xx for the whole transaction is the receiver's final word: do not try the next MX.
        if (e.responseCode !== undefined && e.responseCode >= 500 && !e.duringLogin) return all({ result: 'bounced', error: text, attempt: { replyCode: e.responseCode, replyText: reply(e) } });
        lastError = text;
        lastReason = facts.tlsFailed ? 'tls' : e.responseCode !== undefined ? 'remote_4xx' : 'connection';
        where = { ...where, replyCode: e.responseCode, replyText: reply(e) };
      }
    }
  }
  return all({ result: 'deferred', error: lastError, reason: lastReason });
}

function replyCodeOfError(r: RecipientResult): number | undefined {
  return 'error' in r ? replyCodeOf(r.error) : undefined;
}

function sendVia(hop: Hop, address: string, job: DeliveryJob, content: Buffer, config: Config, facts: ConnectionFacts): Promise<Map<number, RecipientResult>> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({
      host: address,
      port: hop.port,
      servername: net.isIP(hop.host) ? undefined : hop.host,
      name: config.hostname,
      secure: hop.security === 'tls',
      requireTLS: hop.security === 'starttls',
      opportunisticTLS: hop.security === 'opportunistic',
      tls: { rejectUnauthorized: false },
      connectionTimeout: config['delivery.connect_timeout_seconds'] * 1000,
      greetingTimeout: config['delivery.smtp_timeout_seconds'] * 1000,
      socketTimeout: config['delivery.smtp_timeout_seconds'] * 1000,
    } as SMTPConnection.Options);
    let settled = false;
    const finish = (err: SmtpError | null, value?: Map<number, RecipientResult>) => {
      if (settled) return;
      settled = true;
      const socket = (connection as unknown as { _socket?: { getProtocol?: () => string | null } })._socket;
      if (connection.secure) facts.tls = socket?.getProtocol?.() ?? 'TLS';
      else if (err?.code === 'ETLS') facts.tlsFailed = true;
      connection.quit();
      connection.close();
      if (err) reject(err);
      else resolve(value!);
    };
    // `on`, not `once`: a second error (say, while quitting) with no listener would crash the process.
    connection.on('error', (err: SmtpError) => finish(err));
    // A peer that hangs up before its greeting ends the connection without an error; without this the
    // job would wait forever, holding its recipients in flight and a connection slot for the domain.
    connection.once('end', () => finish(Object.assign(new Error('connection closed by the peer'), { response: 'connection closed by the peer' })));
    const send = () => {
      const envelope = { from: job.sender, to: job.recipients.map((r) => r.address) };
      connection.send(envelope, content, (err: SmtpError | null, info?: { rejectedErrors?: SmtpError[]; response?: string }) => {
        // "all recipients were rejected" carries the per-recipient replies; a failed DATA does not, but
        // the RCPT replies still decide for the recipients they refused (a 450 there stays a deferral
        // even when the DATA reply is a 5xx for the others).
        const perRecipient = err ? (err.rejectedErrors ?? rcptRejections(connection)) : info?.rejectedErrors;
        const refused = (address: string) => perRecipient?.find((e) => e.recipient?.toLowerCase() === address.toLowerCase());
        const results = new Map<number, RecipientResult>();
        for (const rcpt of job.recipients) {
          const rejected = refused(rcpt.address);
          if (rejected) results.set(rcpt.id, { ...failure(rejected, describe(hop, rejected)), attempt: { replyCode: rejected.responseCode, replyText: reply(rejected) } });
          else if (!err) results.set(rcpt.id, { result: 'delivered', attempt: { replyCode: replyCodeOf(info?.response), replyText: info?.response } });
        }
        if (err && results.size < job.recipients.length) {
          // The transaction failed for the recipients it had accepted. A 5xx is final for them;
          // anything else (4xx, a dropped connection) is for the next host or the next attempt.
          if (results.size === 0) return finish(err);
          for (const rcpt of job.recipients) {
            if (!results.has(rcpt.id)) results.set(rcpt.id, { ...failure(err, describe(hop, err)), attempt: { replyCode: err.responseCode, replyText: reply(err) } });
          }
        }
        finish(null, results);
      });
    };
    connection.connect(() => {
      if (!hop.credentials) return send();
      // Credentials never cross an unencrypted connection, whatever the route says.
      if (!connection.secure) return finish(Object.assign(new Error('no TLS: the credentials were not sent'), { response: 'no TLS: the credentials were not sent', duringLogin: true }));
      connection.login(hop.credentials, (err?: SmtpError) => (err ? finish(Object.assign(err, { duringLogin: true })) : send()));
    });
  });
}

function failure(err: SmtpError, error: string): RecipientResult {
  if (replyClass(err) === 5) return { result: 'bounced', error };
  return { result: 'deferred', error, reason: err.responseCode !== undefined ? 'remote_4xx' : 'connection' };
}

function reply(err: SmtpError): string {
  return (err.response ? err.response.replace(/\s+/g, ' ').trim() : err.message).slice(0, 1000);
}

function replyClass(err: SmtpError): number {
  return Math.floor((err.responseCode ?? 450) / 100);
}

/** The RCPT refusals of the transaction that just failed; nodemailer keeps them only on its envelope. */
function rcptRejections(connection: SMTPConnection): SmtpError[] | undefined {
  const envelope = (connection as unknown as { _envelope?: { rejectedErrors?: SmtpError[] } })._envelope;
  return Array.isArray(envelope?.rejectedErrors) ? envelope.rejectedErrors : undefined;
}

function describe(hop: Hop, err: SmtpError): string {
  return `${hop.host}:${hop.port} said: ${reply(err)}`.slice(0, 1000);
}
