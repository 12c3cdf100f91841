// One request/reply over a fresh connection to a scanner daemon. Both daemons close the connection after
// answering, so there is no pooling to get wrong. The promise always settles: on the reply, on a socket
// error, on the connect timeout, or when the caller's signal (its total deadline) aborts.
import net from 'node:net';
import { describeEndpoint, type Endpoint } from './endpoint.ts';
import type { CheckError, DownReason } from './outcomes.ts';

export class ScanError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** The daemon closed the connection before we had sent the whole request. */
      closedWhileSending?: boolean;
      /** Set when the failure means the daemon is down: no connection, or no answer in time. */
      down?: Exclude<DownReason, 'circuit_open'>;
    } = {},
  ) {
    super(message);
    this.name = 'ScanError';
  }

  get closedWhileSending(): boolean {
    return this.details.closedWhileSending ?? false;
  }
}

/** The outcome for a request that failed, saying whether the failure means the daemon is down. */
export function checkError(err: unknown): CheckError {
  const down = err instanceof ScanError ? err.details.down : undefined;
  return { kind: 'error', message: (err as Error).message, ...(down ? { down } : {}) };
}

export interface ExchangeOptions {
  daemon: 'clamd' | 'spamd';
  endpoint: Endpoint;
  connectTimeoutMs: number;
  /** The total deadline, owned by the caller so it can also cover time spent waiting for a slot. */
  signal: AbortSignal;
  /** Writes the request once connected; `socket.destroyed` tells it to stop writing. */
  send: (socket: net.Socket) => void | Promise<void>;
  /** True once `received` holds a whole reply; without it the reply ends when the daemon closes. */
  complete?: (received: Buffer) => boolean;
  /** A reply longer than this is not a scanner talking; stop reading. */
  maxReplyBytes: number;
}

export function exchange(o: ExchangeOptions): Promise<Buffer> {
  const where = `${o.daemon} at ${describeEndpoint(o.endpoint)}`;
  return new Promise<Buffer>((resolve, reject) => {
    if (o.signal.aborted) return reject(o.signal.reason);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let sending = false;
    let connected = false;
    const socket = o.endpoint.kind === 'unix' ? net.connect({ path: o.endpoint.path }) : net.connect({ host: o.endpoint.host, port: o.endpoint.port });
    const received = (): Buffer => Buffer.concat(chunks, size);
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      o.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(received());
    };
    const onAbort = (): void => settle(o.signal.reason instanceof Error ? o.signal.reason : new ScanError(`${where}: aborted`));
    o.signal.addEventListener('abort', onAbort, { once: true });
    const connectTimer = setTimeout(() => settle(new ScanError(`${where}: no connection within ${o.connectTimeoutMs} ms`, { down: 'unreachable' })), o.connectTimeoutMs);

    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      sending = true;
      Promise.resolve()
        .then(() => o.send(socket))
        .then(() => (sending = false))
        .catch((err: unknown) => settle(new ScanError(`${where}: sending failed: ${(err as Error).message}`)));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > o.maxReplyBytes) settle(new ScanError(`${where}: reply longer than ${o.maxReplyBytes} bytes`));
      else if (o.complete?.(received())) settle(null);
    });
    socket.once('end', () => settle(null));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (size > 0 && (o.complete?.(received()) ?? true)) return settle(null);
      // clamd over its StreamMaxLength answers and closes while we still write; the write then fails and
      // Node drops the unread answer with the socket. The caller decides what such a close means.
      const reset = err.code === 'EPIPE' || err.code === 'ECONNRESET';
      // Refused, no route, no such socket file: the daemon is not there.
      settle(new ScanError(`${where}: ${err.message}`, { closedWhileSending: sending && reset, ...(connected ? {} : { down: 'unreachable' as const }) }));
    });
    socket.once('close', () => settle(size > 0 ? null : new ScanError(`${where}: connection closed without a reply`)));
  });
}

/** Runs `fn` with a signal that aborts after `ms`; the timer is always cleared, so nothing lingers. */
export async function withDeadline<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new ScanError(`${what}: no answer within ${ms} ms`, { down: 'timeout' })), ms);
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes chunks with back-pressure and stops as soon as the socket is gone (the exchange has settled). */
export async function writeAll(socket: net.Socket, chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed) return;
    if (!socket.write(chunk) && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}
