// A Loki push endpoint on loopback that answers 204 at once and keeps each request's raw body, so
// receiving costs the benchmark process (which shares the cores with the server) almost nothing
// during the load. Bodies are decoded afterwards with the tests' decoder (server/test/helpers/
// loki-wire.ts, written apart from the client's encoder), which also checks the wire format.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodePush } from '../../server/test/helpers/loki-wire.ts';

interface RawPush {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Received {
  requests: number;
  bytes: number;
  entries: number;
  /** performance.now() of the first and last request. */
  firstAt: number | null;
  lastAt: number | null;
  /** Entries per request arrival time, for rates over a window. */
  entriesAt: { at: number; entries: number }[];
}

export class TinyLokiReceiver {
  private readonly pushes: RawPush[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<TinyLokiReceiver> {
    let self: TinyLokiReceiver | null = null;
    const server = http.createServer((req, res) => {
      const at = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/loki/api/v1/push') {
          self!.pushes.push({ at, headers: req.headers, body: Buffer.concat(chunks) });
          res.statusCode = 204;
        } else {
          res.statusCode = 404;
        }
        res.end();
      });
    });
    self = new TinyLokiReceiver(server);
    server.on('connection', (s: Socket) => {
      self!.sockets.add(s);
      s.on('close', () => self!.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get requestCount(): number {
    return this.pushes.length;
  }

  /** Decodes everything received so far (throws on a malformed push, as Loki would answer 400). */
  received(): Received {
    const entriesAt = this.pushes.map((p) => ({ at: p.at, entries: decodePush(p.headers, p.body).reduce((n, s) => n + s.entries.length, 0) }));
    return {
      requests: this.pushes.length,
      bytes: this.pushes.reduce((n, p) => n + p.body.length, 0),
      entries: entriesAt.reduce((n, e) => n + e.entries, 0),
      firstAt: this.pushes[0]?.at ?? null,
      lastAt: this.pushes.at(-1)?.at ?? null,
      entriesAt,
    };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
