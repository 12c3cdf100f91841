// spamd client: SYMBOLS over SPAMC/1.5 for a score and the rule names, PING for health. Like spamc, a
// message over `maxMessageBytes` is not sent (SpamAssassin is slow on big mail, and big mail is rarely spam).
import { Budget } from './budget.ts';
import { describeEndpoint, parseSpamdAddress, type Endpoint } from './endpoint.ts';
import { checkError, exchange, withDeadline, writeAll } from './exchange.ts';
import { withDefaults } from './options.ts';
import type { SpamOutcome } from './outcomes.ts';
import { parseCheckReply, parsePong, PING_REQUEST, spamdRequest } from './spamd-protocol.ts';

export interface SpamdOptions {
  /** `host:port` (`[::1]:783` for IPv6) or an absolute socket path. */
  address: string;
  /** The User header: whose preferences spamd applies (ignored by `spamd -x`). */
  user?: string;
  connectTimeoutMs?: number;
  /** Whole operation, waiting for a slot included. */
  timeoutMs?: number;
  maxMessageBytes?: number;
  maxConcurrent?: number;
  maxQueued?: number;
}

export const SPAMD_DEFAULTS = {
  user: 'nobody',
  connectTimeoutMs: 5_000,
  timeoutMs: 30_000,
  // spamc's default (-s 500 KB).
  maxMessageBytes: 500 * 1024,
  // spamd starts 5 children by default; more connections would only wait in its backlog.
  maxConcurrent: 4,
  maxQueued: 100,
} as const;

const MAX_REPLY_BYTES = 1024 * 1024;

export class SpamdClient {
  readonly endpoint: Endpoint;
  readonly address: string;
  private readonly opts: Required<Omit<SpamdOptions, 'address'>>;
  private readonly budget: Budget;

  constructor(options: SpamdOptions) {
    this.endpoint = parseSpamdAddress(options.address);
    this.address = describeEndpoint(this.endpoint);
    this.opts = withDefaults(SPAMD_DEFAULTS, options);
    this.budget = new Budget(`spamd at ${this.address}`, this.opts.maxConcurrent, this.opts.maxQueued);
  }

  /**
   * Never rejects: every failure, the timeout and a full queue included, is an `error` outcome. `cancel`
   * drops the check early (the virus check running beside it found a virus, so the score is not wanted).
   */
  async check(content: Buffer, cancel?: AbortSignal): Promise<SpamOutcome> {
    if (content.length > this.opts.maxMessageBytes) return { kind: 'too_large' };
    try {
      const request = spamdRequest('SYMBOLS', content, this.opts.user);
      const reply = await withDeadline(this.opts.timeoutMs, `spamd at ${this.address}`, (deadline) => {
        const signal = cancel ? AbortSignal.any([deadline, cancel]) : deadline;
        return this.budget.run(() => this.request(signal, request), signal);
      });
      return parseCheckReply(reply);
    } catch (err) {
      return checkError(err);
    }
  }

  /** Resolves with the protocol version (`SPAMD/1.5`) when spamd answers PONG; rejects otherwise. */
  async ping(timeoutMs = this.opts.connectTimeoutMs): Promise<string> {
    // Health checks bypass the budget: they must answer "reachable" even while checks queue up.
    const reply = await withDeadline(timeoutMs, `spamd at ${this.address}`, (signal) => this.request(signal, PING_REQUEST));
    return parsePong(reply);
  }

  private request(signal: AbortSignal, request: Buffer): Promise<Buffer> {
    // spamd reads until Content-length, answers, and closes: the reply ends at end-of-stream. Half-closing
    // our side after the request is what spamc does.
    return exchange({
      daemon: 'spamd',
      endpoint: this.endpoint,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      signal,
      maxReplyBytes: MAX_REPLY_BYTES,
      send: async (socket) => {
        await writeAll(socket, [request]);
        if (!socket.destroyed) socket.end();
      },
    });
  }
}
