// clamd client: INSTREAM scans over TCP or a unix socket, PING and VERSION for health. clamd does not tell
// clients its StreamMaxLength, so the limit is a client option that should match clamd.conf: a message over
// it is reported as too_large without being sent, and clamd's own limit reply means the same.
import { Budget } from './budget.ts';
import { clamdCommand, instreamFrames, parseScanReply, replyComplete, replyText } from './clamd-protocol.ts';
import { describeEndpoint, parseClamdUrl, type Endpoint } from './endpoint.ts';
import { checkError, exchange, ScanError, withDeadline, writeAll } from './exchange.ts';
import { withDefaults } from './options.ts';
import type { VirusOutcome } from './outcomes.ts';

export interface ClamdOptions {
  /** `tcp://host:port`, `unix:/path` or an absolute socket path. */
  url: string;
  connectTimeoutMs?: number;
  /** Whole operation, waiting for a slot included. */
  timeoutMs?: number;
  /** clamd.conf StreamMaxLength (clamd's default is 25M). */
  maxStreamBytes?: number;
  maxConcurrent?: number;
  maxQueued?: number;
}

export const CLAMD_DEFAULTS = {
  connectTimeoutMs: 5_000,
  timeoutMs: 60_000,
  maxStreamBytes: 25 * 1024 * 1024,
  maxConcurrent: 4,
  maxQueued: 100,
} as const;

const MAX_REPLY_BYTES = 64 * 1024;

export class ClamdClient {
  readonly endpoint: Endpoint;
  readonly address: string;
  private readonly opts: Required<Omit<ClamdOptions, 'url'>>;
  private readonly budget: Budget;

  constructor(options: ClamdOptions) {
    this.endpoint = parseClamdUrl(options.url);
    this.address = describeEndpoint(this.endpoint);
    this.opts = withDefaults(CLAMD_DEFAULTS, options);
    this.budget = new Budget(`clamd at ${this.address}`, this.opts.maxConcurrent, this.opts.maxQueued);
  }

  /** Never rejects: every failure, the timeout and a full queue included, is an `error` outcome. */
  async scan(content: Buffer): Promise<VirusOutcome> {
    if (content.length > this.opts.maxStreamBytes) return { kind: 'too_large' };
    try {
      const reply = await withDeadline(this.opts.timeoutMs, `clamd at ${this.address}`, (signal) =>
        this.budget.run(
          () =>
            this.request(signal, (socket) => {
              socket.write(clamdCommand('INSTREAM'));
              return writeAll(socket, instreamFrames(content));
            }),
          signal,
        ),
      );
      return parseScanReply(reply);
    } catch (err) {
      if (err instanceof ScanError && err.closedWhileSending) {
        const pingError = await this.alive();
        return pingError === null ? { kind: 'too_large' } : checkError(pingError);
      }
      return checkError(err);
    }
  }

  /**
   * A live clamd closes an INSTREAM connection before the end only when the stream passed its
   * StreamMaxLength (its "size limit exceeded" reply is often lost with the connection, see exchange.ts).
   * A PING tells that apart from a clamd that died mid-scan. Null when clamd answered, else the error.
   */
  private async alive(): Promise<unknown> {
    try {
      await this.ping();
      return null;
    } catch (err) {
      return err;
    }
  }

  /** Resolves when clamd answers PONG; rejects with the reason otherwise. */
  async ping(timeoutMs = this.opts.connectTimeoutMs): Promise<void> {
    const text = await this.command('PING', timeoutMs);
    if (text !== 'PONG') throw new ScanError(`clamd at ${this.address}: unexpected PING reply ${JSON.stringify(text)}`);
  }

  /** The engine and database version, e.g. `ClamAV 1.4.6/27345/Mon Jun 2 08:00:00 2025`. */
  version(timeoutMs = this.opts.connectTimeoutMs): Promise<string> {
    return this.command('VERSION', timeoutMs);
  }

  private async command(name: 'PING' | 'VERSION', timeoutMs: number): Promise<string> {
    // Health commands bypass the budget: they must answer "reachable" even while scans queue up.
    const reply = await withDeadline(timeoutMs, `clamd at ${this.address}`, (signal) => this.request(signal, (socket) => void socket.write(clamdCommand(name))));
    const text = replyText(reply);
    if (text === '') throw new ScanError(`clamd at ${this.address}: empty ${name} reply`);
    return text;
  }

  private request(signal: AbortSignal, send: Parameters<typeof exchange>[0]['send']): Promise<Buffer> {
    return exchange({ daemon: 'clamd', endpoint: this.endpoint, connectTimeoutMs: this.opts.connectTimeoutMs, signal, send, complete: replyComplete, maxReplyBytes: MAX_REPLY_BYTES });
  }
}
