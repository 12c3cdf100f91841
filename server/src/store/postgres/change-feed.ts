// LISTEN/NOTIFY for the store's change hints (../change-feed.ts). One dedicated connection listens on
// the channel `mailroom_changes`; writers announce with pg_notify in the transaction that makes the
// change, so the announcement goes out at COMMIT and never for a rolled-back change. When the listening
// connection drops, it reconnects with a doubling delay (0.5 s up to 30 s) and then fires every topic once,
// because what was announced while it was away is lost.
import pg from 'pg';
import { CHANGE_TOPICS, type ChangeFeed, type ChangeTopic } from '../change-feed.ts';
import type { Queryable } from './pool.ts';
import type { PgConnection } from './url.ts';

export const CHANGE_CHANNEL = 'mailroom_changes';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/** Announces a change of topic; within a transaction it is sent at COMMIT. */
export async function announce(db: Queryable, topic: ChangeTopic): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, topic]);
}

export class PgChangeFeed implements ChangeFeed {
  private readonly listeners = new Map<ChangeTopic, Set<() => void>>();
  private client: pg.Client | null = null;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly conn: PgConnection,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  onChange(topic: ChangeTopic, listener: () => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Connects and listens; a failure is reported and retried, never thrown (the polls still work). */
  async start(): Promise<void> {
    await this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const { host, port, user, password, database, ssl } = this.conn;
    const client = new pg.Client({ host, port, user, password, database, ssl, application_name: 'mailroom-changes', connectionTimeoutMillis: 10_000 });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (err) this.onError(err);
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => {
      if (n.channel === CHANGE_CHANNEL && (CHANGE_TOPICS as readonly string[]).includes(n.payload ?? '')) this.fire(n.payload as ChangeTopic);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    if (reconnecting) for (const topic of CHANGE_TOPICS) this.fire(topic);
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(true);
    }, wait);
    this.retryTimer.unref();
  }

  private fire(topic: ChangeTopic): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        listener();
      } catch (err) {
        this.onError(err as Error);
      }
    }
  }
}
