// A receiving SMTP server for delivery tests, on the smtp-server package: it records every transaction,
// offers STARTTLS (smtp-server's built-in test certificate), and can be scripted per recipient address
// or per "@domain" to answer RCPT or the end of DATA with a 4xx or 5xx, to hold the DATA reply back, or
// to hang up on new connections before the greeting. It counts connections per recipient domain, from
// the first RCPT to the close, so tests can check the per-domain connection limit.
import net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface SinkReply {
  code: number;
  message: string;
}

export interface SinkRule {
  rcpt?: SinkReply;
  data?: SinkReply;
  /** Wait this long before answering the end of DATA (keeps a connection busy). */
  dataDelayMs?: number;
}

export interface SinkMessage {
  mailFrom: string;
  rcptTo: string[];
  content: string;
  /** True when the client had switched to TLS with STARTTLS. */
  secure: boolean;
}

export interface RcptTry {
  mailFrom: string;
  address: string;
  code: number;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export class SmtpSink {
  /** Messages accepted at the end of DATA. */
  readonly received: SinkMessage[] = [];
  /** Every RCPT TO and the code it got. */
  readonly rcptTries: RcptTry[] = [];
  /** Highest number of connections at once per recipient domain. */
  readonly maxConnectionsByDomain = new Map<string, number>();
  /** While true, new connections are closed before the greeting. */
  hangUp = false;

  private readonly rules = new Map<string, SinkRule>();
  private readonly domainOfSession = new Map<string, string>();
  private readonly openByDomain = new Map<string, number>();
  private readonly smtp: SMTPServer;
  private readonly listener: net.Server;

  private constructor() {
    this.smtp = new SMTPServer({
      name: 'sink.test',
      banner: 'test sink',
      logger: false,
      authOptional: true,
      disabledCommands: ['AUTH'],
      // Replies carry exactly the text a test scripts, enhanced code included.
      hideENHANCEDSTATUSCODES: true,
      closeTimeout: 200,
      onRcptTo: (address, session, cb) => cb(this.onRcpt(address.address, session)),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => void this.onData(session, Buffer.concat(chunks)).then((err) => (err ? cb(err) : cb(null, '2.0.0 Ok: accepted by sink'))));
      },
      onClose: (session) => this.onClose(session),
    });
    // A sender that dies mid-session (a node SIGKILLed by a test, during STARTTLS) makes smtp-server emit
    // 'error' on the server; unheard, that would end the test process. The sink has nothing to do about it.
    this.smtp.on('error', () => undefined);
    this.listener = net.createServer((socket) => {
      if (this.hangUp) socket.destroy();
      else this.smtp.connect(socket);
    });
  }

  /** On 127.0.0.1 and a free port unless told otherwise (an MX test listens on port 25 of another loopback address). */
  static async start(at: { host?: string; port?: number } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve, reject) => {
      sink.listener.once('error', reject);
      sink.listener.listen(at.port ?? 0, at.host ?? '127.0.0.1', () => {
        sink.listener.off('error', reject);
        resolve();
      });
    });
    return sink;
  }

  get port(): number {
    return (this.listener.address() as net.AddressInfo).port;
  }

  /** Sets (or with undefined clears) how the sink treats an address, or a whole domain as "@domain". */
  script(target: string, rule: SinkRule | undefined): void {
    if (rule) this.rules.set(target.toLowerCase(), rule);
    else this.rules.delete(target.toLowerCase());
  }

  messagesWith(text: string): SinkMessage[] {
    return this.received.filter((m) => m.content.includes(text));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
    await new Promise<void>((resolve) => this.smtp.close(() => resolve()));
  }

  private ruleFor(address: string): SinkRule | undefined {
    return this.rules.get(address.toLowerCase()) ?? this.rules.get(`@${domainOf(address)}`);
  }

  private onRcpt(address: string, session: SMTPServerSession): Error | null {
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const reply = this.ruleFor(address)?.rcpt;
    this.rcptTries.push({ mailFrom, address, code: reply?.code ?? 250 });
    if (!this.domainOfSession.has(session.id)) {
      const domain = domainOf(address);
      this.domainOfSession.set(session.id, domain);
      const open = (this.openByDomain.get(domain) ?? 0) + 1;
      this.openByDomain.set(domain, open);
      this.maxConnectionsByDomain.set(domain, Math.max(open, this.maxConnectionsByDomain.get(domain) ?? 0));
    }
    return reply ? replyError(reply) : null;
  }

  private async onData(session: SMTPServerSession, content: Buffer): Promise<Error | null> {
    const rcptTo = session.envelope.rcptTo.map((r) => r.address);
    const rules = rcptTo.map((a) => this.ruleFor(a)).filter((r) => r !== undefined);
    const delay = Math.max(0, ...rules.map((r) => r.dataDelayMs ?? 0));
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const reply = rules.find((r) => r.data)?.data;
    if (reply) return replyError(reply);
    this.received.push({ mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', rcptTo, content: content.toString('utf8'), secure: session.secure });
    return null;
  }

  private onClose(session: SMTPServerSession): void {
    const domain = this.domainOfSession.get(session.id);
    if (domain === undefined) return;
    this.domainOfSession.delete(session.id);
    this.openByDomain.set(domain, (this.openByDomain.get(domain) ?? 1) - 1);
  }
}

function replyError(reply: SinkReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}
