// Group commit for acceptMessages on PostgreSQL. One transaction is in flight at a time; the calls that
// arrive meanwhile wait here and share the next one, so a burst of messages costs one COMMIT (one WAL
// flush, synchronous_commit on) instead of one each. The batch is first written set-based, a few
// statements for all of it (accept-batch.ts); if that fails, it is rolled back and written again call by
// call, each call a SAVEPOINT inside the transaction:
// a call that breaks a constraint is rolled back to its savepoint and rejected on its own, and the
// others still commit. A call's promise resolves only after COMMIT has returned; if COMMIT (or the
// connection) fails, every call in that transaction is rejected (SMTP answers 451, the sender retries:
// a duplicate at worst, never a loss).
import type pg from 'pg';
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { fileIntoInbox } from './filing.ts';
import { checkout, release, type Queryable } from './pool.ts';
import { insertMessage } from './queue-rows.ts';
import { recordAcceptances } from './history.ts';
import { acceptBatch } from './accept-batch.ts';

interface Pending {
  messages: readonly NewMessage[];
  now: number;
  fileLocal: boolean;
  resolve: (results: AcceptedMessage[]) => void;
  reject: (err: Error) => void;
}

/** Bounds the messages one transaction carries, so one commit never holds a huge amount of memory. */
const MAX_MESSAGES_PER_TRANSACTION = 256;

export interface PgAcceptWriterOptions {
  /** Called with the number of messages in each committed transaction (batch sizes, for tests). */
  onCommit?: (messages: number) => void;
}

export class PgAcceptWriter {
  private readonly queued: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgAcceptWriterOptions = {},
  ) {}

  accept(messages: readonly NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.queued.push({ messages, now, fileLocal, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Waits for the calls already made; later ones are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      let count = 0;
      let messages = 0;
      while (count < this.queued.length && (count === 0 || messages + this.queued[count]!.messages.length <= MAX_MESSAGES_PER_TRANSACTION)) {
        messages += this.queued[count]!.messages.length;
        count++;
      }
      await this.commit(this.queued.splice(0, count));
    }
    this.running = null;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const outcomes: Array<{ results: AcceptedMessage[] } | { error: Error }> = [];
    let client: pg.PoolClient | undefined;
    let lost = (): Error | undefined => undefined;
    let broken: Error | undefined;
    try {
      ({ client, lost } = await checkout(this.pool));
      await client.query('BEGIN');
      const fast = await acceptBatch(client, batch).catch(async () => {
        // Something in the batch failed (a constraint, a mailbox removed meanwhile): start again call by call.
        await client!.query('ROLLBACK');
        await client!.query('BEGIN');
        return null;
      });
      if (fast) outcomes.push(...fast.map((results) => ({ results })));
      else
        for (const call of batch) {
          await client.query('SAVEPOINT accept_call');
          try {
            const results: AcceptedMessage[] = [];
            for (const m of call.messages) results.push(await acceptOne(client, m, call.now, call.fileLocal));
            await client.query('RELEASE SAVEPOINT accept_call');
            outcomes.push({ results });
          } catch (err) {
            await client.query('ROLLBACK TO SAVEPOINT accept_call');
            outcomes.push({ error: err as Error });
          }
        }
      await client.query('COMMIT');
    } catch (err) {
      // The connection (or COMMIT) failed: nothing of this transaction is known to be durable.
      broken = err as Error;
      await client?.query('ROLLBACK').catch(() => undefined);
    } finally {
      if (client) release(client, broken ?? lost());
    }
    if (broken) {
      for (const call of batch) call.reject(broken);
      return;
    }
    this.options.onCommit?.(batch.reduce((n, c, i) => n + ('results' in outcomes[i]! ? c.messages.length : 0), 0));
    batch.forEach((call, i) => {
      const outcome = outcomes[i]!;
      if ('results' in outcome) call.resolve(outcome.results);
      else call.reject(outcome.error);
    });
  }
}

/** Files local recipients (once per account) and queues the rest, as sqlite/accept-batch.ts does. */
async function acceptOne(db: Queryable, message: NewMessage, now: number, fileLocal: boolean): Promise<AcceptedMessage> {
  const filedAccounts = new Set<number>();
  const rest = [];
  const filed: string[] = [];
  for (const r of message.recipients) {
    if (!fileLocal || r.destination !== 'local' || r.accountId === undefined) {
      rest.push(r);
      continue;
    }
    if (!filedAccounts.has(r.accountId)) {
      if (!(await fileIntoInbox(db, r.accountId, message.content, message.id, now, r.folder))) {
        rest.push(r);
        continue;
      }
      filedAccounts.add(r.accountId);
    }
    filed.push(r.address);
  }
  await recordAcceptances(db, [{ message, now, filed }]);
  if (rest.length > 0) await insertMessage(db, { ...message, recipients: rest }, now);
  return { id: message.id, filed: message.recipients.length - rest.length, queued: rest.length };
}
