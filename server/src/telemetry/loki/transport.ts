// One HTTP(S) POST to Loki's push endpoint. Plain node:http(s) rather than fetch: it takes a private CA
// or insecure mode per agent without a global dispatcher, and a keep-alive agent with one socket matches
// the client's one-request-in-flight rule. post() never rejects: every outcome is a status (0 = no answer).
import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter } from './backoff.ts';
import type { ResolvedLokiOptions } from './options.ts';

export interface PostResult {
  /** HTTP status, or 0 when the request failed before a complete response (refused, reset, timeout, TLS). */
  status: number;
  retryAfterMs: number | undefined;
  /** Loki's error text (first 1 KiB) or the network error, for warnings. */
  message: string;
  seconds: number;
}

const MAX_ERROR_TEXT = 1024;

export class LokiTransport {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private current: http.ClientRequest | null = null;

  constructor(private readonly o: ResolvedLokiOptions) {
    const secure = o.pushUrl.protocol === 'https:';
    this.request = secure ? https.request : http.request;
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: o.tls.ca, rejectUnauthorized: !o.tls.insecureSkipVerify }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  post(body: Buffer, contentType: string): Promise<PostResult> {
    return new Promise((resolve) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const done = (status: number, message: string, retryAfterMs?: number): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.current = null;
        resolve({ status, message, retryAfterMs, seconds: (performance.now() - started) / 1000 });
      };
      // No Content-Encoding: Loki snappy-decodes protobuf bodies by Content-Type, as Promtail relies on.
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': contentType, 'Content-Length': body.length, 'User-Agent': 'mailroom-loki-client' };
      if (this.o.tenantId) headers['X-Scope-OrgID'] = this.o.tenantId;
      if (this.o.authorization) headers.Authorization = this.o.authorization;
      try {
        const req = this.request(this.o.pushUrl, { method: 'POST', headers, agent: this.agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < MAX_ERROR_TEXT) text += chunk.slice(0, MAX_ERROR_TEXT - text.length);
          });
          res.on('end', () => done(res.statusCode ?? 0, text.trim(), parseRetryAfter(header(res.headers['retry-after']), Date.now())));
          res.on('error', (err) => done(0, err.message));
          res.on('close', () => done(0, 'connection closed before the response ended'));
        });
        this.current = req;
        // A total deadline, not a socket idle timeout: a Loki that trickles bytes must not hold the queue.
        timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${this.o.requestTimeoutMs} ms`)), this.o.requestTimeoutMs);
        timer.unref();
        req.on('error', (err) => done(0, err.message));
        req.end(body);
      } catch (err) {
        done(0, (err as Error).message);
      }
    });
  }

  /** Ends the request in flight (at shutdown); its post() resolves with status 0. */
  abort(): void {
    this.current?.destroy(new Error('loki client closed'));
  }

  close(): void {
    this.agent.destroy();
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
