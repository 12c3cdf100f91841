// A stand-in for Loki's push endpoint on loopback (no Loki can run here). It decodes every request as
// Loki does (see loki-wire.ts), records it, and answers from a script: a sequence of statuses, optional
// Retry-After and delays, then 204 No Content as Loki answers a good push. down() closes the listener
// and its connections so the client meets "connection refused"; up() listens again on the same port.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { decodePush, type DecodedEntry, type DecodedStream } from './loki-wire.ts';

export interface Reply {
  status: number;
  retryAfter?: string;
  /** Hold the answer this long (a slow Loki). */
  delayMs?: number;
  body?: string;
}

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  /** What the receiver answered. */
  status: number;
  streams: DecodedStream[];
  /** Why decoding failed, if it did (answered 400, as Loki would). */
  error?: string;
}

export type AcceptedEntry = DecodedEntry & { labels: string; labelSet: Record<string, string> };

export class LokiReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly replies: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server;
  private inProgress = 0;
  /** The most requests ever open at once; the client promises one. */
  maxConcurrent = 0;
  port = 0;

  private constructor(private readonly tls: { key: string | Buffer; cert: string | Buffer } | undefined) {
    this.server = this.create();
  }

  static async start(options: { tls?: { key: string | Buffer; cert: string | Buffer } } = {}): Promise<LokiReceiver> {
    const r = new LokiReceiver(options.tls);
    await r.listen(0);
    return r;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Answers for the next requests, in order; afterwards every request gets 204. */
  script(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  /** Entries of the requests answered 2xx, in arrival order: what Loki would have stored. */
  accepted(): AcceptedEntry[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.streams.flatMap((s) => s.entries.map((e) => ({ ...e, labels: s.labels, labelSet: s.labelSet }))));
  }

  acceptedLines(): string[] {
    return this.accepted().map((e) => e.line);
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async up(): Promise<void> {
    this.server = this.create();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  /** Polls until the condition holds; a test's way to wait for background sends, not a timing assertion. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${this.requests.length} requests so far`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private create(): http.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const at = performance.now();
      this.maxConcurrent = Math.max(this.maxConcurrent, ++this.inProgress);
      res.on('close', () => this.inProgress--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks), at));
    };
    const server = this.tls ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler) : http.createServer(handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, at: number): void {
    const record: ReceivedRequest = { at, path: req.url ?? '', headers: req.headers, bodyBytes: body.length, status: 0, streams: [] };
    this.requests.push(record);
    let reply: Reply;
    if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') {
      reply = { status: 404, body: '404 page not found' };
    } else {
      try {
        record.streams = decodePush(req.headers, body);
        reply = this.replies.shift() ?? { status: 204 };
      } catch (err) {
        record.error = (err as Error).message;
        reply = { status: 400, body: record.error };
      }
    }
    record.status = reply.status;
    const send = (): void => {
      if (reply.retryAfter !== undefined) res.setHeader('Retry-After', reply.retryAfter);
      res.statusCode = reply.status;
      res.end(reply.body ?? (reply.status >= 300 ? `status ${reply.status} from the test receiver` : undefined));
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
