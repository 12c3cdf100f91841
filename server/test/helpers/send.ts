// Sends one message with nodemailer's SMTP client (a real client: EHLO, opportunistic STARTTLS, AUTH
// PLAIN/LOGIN, pipelined envelope) and reports what the server answered.
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export interface SendOptions {
  port: number;
  from: string;
  to: string[];
  content: string | Buffer;
  auth?: { user: string; pass: string };
  /** Use STARTTLS when offered (default true). */
  starttls?: boolean;
  timeoutMs?: number;
}

export interface SendResult {
  accepted: string[];
  rejected: string[];
  /** The reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as ID". */
  response: string;
  /** The queue id from that reply. */
  queueId: string;
}

export function sendMail(o: SendOptions): Promise<SendResult> {
  const timeout = o.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({
      host: '127.0.0.1',
      port: o.port,
      name: 'client.test',
      secure: false,
      ignoreTLS: o.starttls === false,
      opportunisticTLS: true,
      tls: { rejectUnauthorized: false },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as SMTPConnection.Options);
    let done = false;
    const finish = (err: Error | null, result?: SendResult) => {
      if (done) return;
      done = true;
      connection.quit();
      connection.close();
      if (err) reject(err);
      else resolve(result!);
    };
    connection.on('error', (err: Error) => finish(err));
    connection.once('end', () => finish(new Error('connection closed')));
    connection.connect(() => {
      const send = () =>
        connection.send({ from: o.from, to: o.to }, o.content, (err, info) => {
          if (err) return finish(err);
          const response = String(info.response);
          finish(null, { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response, queueId: /queued as ([0-9A-Z]+)/.exec(response)?.[1] ?? '' });
        });
      if (!o.auth) return send();
      connection.login({ user: o.auth.user, pass: o.auth.pass }, (err) => (err ? finish(err) : send()));
    });
  });
}

/** A plain RFC 5322 message with CRLF line ends. */
export function message(h: { from: string; to: string[]; subject: string; messageId: string; body?: string }): string {
  return [
    `From: <${h.from}>`,
    `To: ${h.to.map((t) => `<${t}>`).join(', ')}`,
    `Subject: ${h.subject}`,
    `Message-ID: <${h.messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    '',
    h.body ?? 'Hello.',
    '',
  ].join('\r\n');
}
