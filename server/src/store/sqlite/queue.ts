// The delivery queue in SQLite as the scheduler drives it: enqueue, claim, record outcomes, local
// delivery. Each method is one IMMEDIATE transaction; since better-sqlite3 runs it synchronously, no
// other claim can interleave in this process, and the write lock keeps other processes out.
import type { DeliveryQueueStore } from '../store.ts';
import type { AcceptedMessage, DeliveryJob, NewMessage, QueueRecipient, RecipientOutcome } from '../types.ts';
import { acceptBatches } from './accept-batch.ts';
import type { AcceptWriter } from './accept-writer.ts';
import { fileIntoInbox } from './filing.ts';
import { recordAcceptance, recordAttempt } from './history.ts';
import { stmt, type Db } from './open.ts';
import { dropIfFinished, insertMessage, toRecipient, type RecipientRow } from './queue-rows.ts';

interface JobHead {
  message_id: string;
  destination: 'local' | 'remote';
  domain: string;
  sender: string;
  created_at: number;
}

export class SqliteQueue implements DeliveryQueueStore {
  /** @param writer the accept worker, when acceptMessages should commit off the main thread. */
  constructor(
    private readonly db: Db,
    private readonly writer?: AcceptWriter,
  ) {}

  async enqueue(message: NewMessage): Promise<void> {
    this.db
      .transaction(() => {
        const now = Date.now();
        recordAcceptance(this.db, message, now, []);
        insertMessage(this.db, message, now);
      })
      .immediate();
  }

  async claimNextJob(now: number, retryAt: (attempts: number) => number, busyDomains: ReadonlySet<string>): Promise<DeliveryJob | null> {
    return this.db
      .transaction((): DeliveryJob | null => {
        const head = stmt(
          this.db,
          `SELECT r.message_id, r.destination, r.domain, m.sender, m.created_at FROM queue_recipients r
           JOIN queue_messages m ON m.id = r.message_id
           WHERE r.state IN ('queued', 'deferred') AND r.next_attempt_at <= ? AND m.held = 0
             AND (r.destination = 'local' OR r.domain NOT IN (SELECT value FROM json_each(?)))
           ORDER BY r.next_attempt_at, r.id LIMIT 1`,
        ).get(now, JSON.stringify([...busyDomains])) as JobHead | undefined;
        if (!head) return null;
        // One job is every due recipient of the message that goes to the same place: all local ones
        // (one transaction files them all), or all of one remote domain (one SMTP transaction).
        const rows = stmt(
          this.db,
          `SELECT * FROM queue_recipients WHERE message_id = ? AND destination = ? AND (destination = 'local' OR domain = ?)
           AND state IN ('queued', 'deferred') AND next_attempt_at <= ? ORDER BY id`,
        ).all(head.message_id, head.destination, head.domain, now) as RecipientRow[];
        const claim = stmt(this.db, `UPDATE queue_recipients SET state = 'in_flight', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ? WHERE id = ?`);
        const recipients = rows.map((r) => {
          const attempts = r.attempts + 1;
          const next = retryAt(attempts);
          claim.run(now, next, r.id);
          return toRecipient({ ...r, state: 'in_flight', attempts, last_attempt_at: now, next_attempt_at: next });
        });
        return {
          messageId: head.message_id,
          sender: head.sender,
          destination: head.destination,
          domain: head.domain,
          createdAt: head.created_at,
          recipients,
        };
      })
      .immediate();
  }

  async recordOutcomes(messageId: string, outcomes: RecipientOutcome[], now: number, notice?: NewMessage): Promise<void> {
    this.db
      .transaction(() => {
        // The state guard makes a late outcome harmless: a message removed while in flight has no rows.
        const update = stmt(
          this.db,
          `UPDATE queue_recipients SET state = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at)
         WHERE id = ? AND message_id = ? AND state = 'in_flight'`,
        );
        const address = stmt(this.db, 'SELECT address FROM queue_recipients WHERE id = ?').pluck();
        let bounced = 0;
        for (const o of outcomes) {
          const changed = update.run(o.result, o.error ?? null, o.retryAt ?? null, o.recipientId, messageId).changes;
          if (changed === 0) continue;
          if (o.result === 'bounced') bounced += changed;
          recordAttempt(this.db, messageId, address.get(o.recipientId) as string, o.result, now, { replyText: o.error, ...o.attempt });
        }
        if (notice && bounced > 0) {
          recordAcceptance(this.db, notice, now, []);
          insertMessage(this.db, notice, now);
        }
        dropIfFinished(this.db, messageId);
      })
      .immediate();
  }

  async deliverLocal(messageId: string, recipientIds: number[], content: Buffer, now: number): Promise<{ delivered: number[]; unfiled: QueueRecipient[] }> {
    return this.db
      .transaction(() => {
        const pick = stmt(this.db, `SELECT * FROM queue_recipients WHERE id = ? AND message_id = ? AND state = 'in_flight'`);
        const done = stmt(this.db, `UPDATE queue_recipients SET state = 'delivered', last_error = NULL WHERE id = ?`);
        const filed = new Set<number>();
        const delivered: number[] = [];
        const unfiled: QueueRecipient[] = [];
        for (const id of recipientIds) {
          const row = pick.get(id, messageId) as RecipientRow | undefined;
          if (!row) continue; // removed from the queue, or no longer ours: never file twice
          // Two recipients that resolve to one account (an alias and the address itself) get one copy.
          if (row.account_id === null || (!filed.has(row.account_id) && !fileIntoInbox(this.db, row.account_id, content, messageId, now, row.folder))) {
            unfiled.push(toRecipient(row)); // the account was deleted after the message was queued
            continue;
          }
          filed.add(row.account_id);
          done.run(id);
          delivered.push(id);
          recordAttempt(this.db, messageId, row.address, 'delivered', now, { mxHost: 'local', replyText: 'filed into the mailbox' });
        }
        dropIfFinished(this.db, messageId);
        return { delivered, unfiled };
      })
      .immediate();
  }

  async acceptMessages(messages: NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]> {
    // In the worker, the main thread serves SMTP during the fsync; here, it waits for it.
    return this.writer ? this.writer.accept(messages, now, fileLocal) : acceptBatches(this.db, [{ messages, now, fileLocal }])[0]!;
  }

  async recoverInFlight(): Promise<number> {
    return stmt(this.db, `UPDATE queue_recipients SET state = 'deferred', last_error = COALESCE(last_error, 'interrupted by a restart') WHERE state = 'in_flight'`).run().changes;
  }

  async nextDueAt(): Promise<number | null> {
    const v = stmt(
      this.db,
      `SELECT MIN(r.next_attempt_at) FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
         WHERE r.state IN ('queued', 'deferred') AND m.held = 0`,
    )
      .pluck()
      .get() as number | null;
    return v ?? null;
  }
}
