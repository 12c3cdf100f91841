// The delivery queue in PostgreSQL as the scheduler drives it, shared by several nodes. A claim picks the
// most overdue recipient with FOR UPDATE SKIP LOCKED (two nodes never wait for each other nor take the
// same rows), then marks its job's recipients in flight under a lease: this node's name, a token for
// this claim and an expiry. Outcomes and local filing are recorded only while that lease still holds
// (same node, same token, still in flight); one that lost its lease (the message was removed, or
// another node took the work over after the lease expired) is ignored and counted.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DeliveryQueueStore } from '../store.ts';
import type { AcceptedMessage, DeliveryJob, NewMessage, QueueRecipient, RecipientOutcome } from '../types.ts';
import type { PgAcceptWriter } from './accept-writer.ts';
import { fileIntoInbox } from './filing.ts';
import { recordAcceptances, recordAttempts } from './history.ts';
import { LeaseRenewal } from './lease-renewal.ts';
import { transaction } from './pool.ts';
import { dropIfFinished, insertMessage, RECIPIENT_COLUMNS, refreshSummary, toRecipient, type RecipientRow } from './queue-rows.ts';

export interface LeaseOptions {
  /** This node's name (cluster.node_name). */
  nodeName: string;
  /** How long a claim holds its recipients before another node may take them over (cluster.lease_seconds). */
  leaseMs: number;
  /** Called with how many outcomes were dropped because their lease was lost. */
  onLeaseLost?: (count: number) => void;
}

/** Expired leases of other nodes are looked for at most this often. */
const EXPIRED_LEASE_CHECK_MS = 1000;

export class PgQueue implements DeliveryQueueStore {
  /** The lease token of each recipient this node has in flight. */
  private readonly leases = new Map<number, string>();
  private lastExpiredCheck = -Infinity;
  private readonly renewal: LeaseRenewal;

  constructor(
    private readonly pool: pg.Pool,
    private readonly writer: PgAcceptWriter,
    private readonly lease: LeaseOptions,
  ) {
    this.renewal = new LeaseRenewal(pool, lease.nodeName, lease.leaseMs, this.leases);
  }

  async enqueue(message: NewMessage): Promise<void> {
    await transaction(this.pool, async (c) => {
      const now = Date.now();
      await recordAcceptances(c, [{ message, now, filed: [] }]);
      await insertMessage(c, message, now);
    });
  }

  async acceptMessages(messages: NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]> {
    return this.writer.accept(messages, now, fileLocal);
  }

  async claimNextJob(now: number, retryAt: (attempts: number) => number, busyDomains: ReadonlySet<string>): Promise<DeliveryJob | null> {
    await this.returnExpiredLeases(now);
    const token = randomUUID();
    const job = await transaction(this.pool, async (c): Promise<DeliveryJob | null> => {
      const head = (
        await c.query<{ message_id: string; destination: 'local' | 'remote'; domain: string }>(
          `SELECT r.message_id, r.destination, r.domain FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
           WHERE r.state IN ('queued', 'deferred') AND r.next_attempt_at <= $1 AND NOT m.held
             AND (r.destination = 'local' OR NOT (r.domain = ANY($2::text[])))
           ORDER BY r.next_attempt_at, r.id LIMIT 1 FOR UPDATE OF r SKIP LOCKED`,
          [now, [...busyDomains]],
        )
      ).rows[0];
      if (!head) return null;
      // One job is every due recipient of the message that goes to the same place: all local ones
      // (one transaction files them all), or all of one remote domain (one SMTP transaction).
      const { rows } = await c.query<RecipientRow>(
        `SELECT ${RECIPIENT_COLUMNS} FROM queue_recipients WHERE message_id = $1 AND destination = $2 AND (destination = 'local' OR domain = $3)
         AND state IN ('queued', 'deferred') AND next_attempt_at <= $4 ORDER BY id FOR UPDATE SKIP LOCKED`,
        [head.message_id, head.destination, head.domain, now],
      );
      const claimed = rows.map((r) => ({ ...r, state: 'in_flight' as const, attempts: r.attempts + 1, last_attempt_at: now, next_attempt_at: retryAt(r.attempts + 1) }));
      await c.query(
        `UPDATE queue_recipients r SET state = 'in_flight', attempts = t.attempts, last_attempt_at = $1, next_attempt_at = t.next,
           lease_node = $2, lease_token = $3, lease_expires_at = $4
         FROM unnest($5::bigint[], $6::int[], $7::bigint[]) AS t(id, attempts, next) WHERE r.id = t.id`,
        [now, this.lease.nodeName, token, now + this.lease.leaseMs, claimed.map((r) => r.id), claimed.map((r) => r.attempts), claimed.map((r) => r.next_attempt_at)],
      );
      await refreshSummary(c, [head.message_id]);
      const message = (await c.query<{ sender: string; created_at: number }>('SELECT sender, created_at FROM queue_messages WHERE id = $1', [head.message_id])).rows[0]!;
      return {
        messageId: head.message_id,
        sender: message.sender,
        destination: head.destination,
        domain: head.domain,
        createdAt: message.created_at,
        recipients: claimed.map(toRecipient),
      };
    });
    // Remembered only once committed: a claim that failed holds nothing.
    for (const r of job?.recipients ?? []) this.leases.set(r.id, token);
    this.renewal.held();
    return job;
  }

  async recordOutcomes(messageId: string, outcomes: RecipientOutcome[], now: number, notice?: NewMessage): Promise<void> {
    const tokens = outcomes.map((o) => this.leases.get(o.recipientId) ?? '');
    const applied = await transaction(this.pool, async (c) => {
      // The lease guard makes a late outcome harmless: a message removed while in flight has no rows,
      // and work another node took over has another token.
      const { rows } = await c.query<{ id: number; state: string; address: string }>(
        `UPDATE queue_recipients r SET state = t.result, last_error = t.error, next_attempt_at = COALESCE(t.retry_at, r.next_attempt_at),
           lease_node = NULL, lease_token = NULL, lease_expires_at = NULL
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS t(id, result, error, retry_at, token)
         WHERE r.id = t.id AND r.message_id = $6 AND r.state = 'in_flight' AND r.lease_node = $7 AND r.lease_token = t.token
         RETURNING r.id, r.state, r.address`,
        [outcomes.map((o) => o.recipientId), outcomes.map((o) => o.result), outcomes.map((o) => o.error ?? null), outcomes.map((o) => o.retryAt ?? null), tokens, messageId, this.lease.nodeName],
      );
      const applied = new Map(rows.map((r) => [r.id, r.address]));
      await recordAttempts(
        c,
        messageId,
        outcomes.filter((o) => applied.has(o.recipientId)).map((o) => ({ recipient: applied.get(o.recipientId)!, result: o.result, at: now, replyText: o.error, ...o.attempt })),
      );
      if (notice && rows.some((r) => r.state === 'bounced')) {
        await recordAcceptances(c, [{ message: notice, now, filed: [] }]);
        await insertMessage(c, notice, now);
      }
      await dropIfFinished(c, messageId);
      return rows.length;
    });
    this.forget(
      outcomes.map((o) => o.recipientId),
      outcomes.length - applied,
    );
  }

  async deliverLocal(messageId: string, recipientIds: number[], content: Buffer, now: number): Promise<{ delivered: number[]; unfiled: QueueRecipient[] }> {
    const result = await transaction(this.pool, async (c) => {
      const { rows } = await c.query<RecipientRow & { lease_token: string }>(
        `SELECT ${RECIPIENT_COLUMNS}, lease_token FROM queue_recipients
         WHERE id = ANY($1::bigint[]) AND message_id = $2 AND state = 'in_flight' AND lease_node = $3 FOR UPDATE`,
        [recipientIds, messageId, this.lease.nodeName],
      );
      const byId = new Map(rows.filter((r) => r.lease_token === this.leases.get(r.id)).map((r) => [r.id, r]));
      const filed = new Set<number>();
      const delivered: number[] = [];
      const unfiled: QueueRecipient[] = [];
      for (const id of recipientIds) {
        const row = byId.get(id);
        if (!row) continue; // removed from the queue, or no longer ours: never file twice
        // Two recipients that resolve to one account (an alias and the address itself) get one copy.
        if (row.account_id === null || (!filed.has(row.account_id) && !(await fileIntoInbox(c, row.account_id, content, messageId, now, row.folder)))) {
          unfiled.push(toRecipient(row)); // the account was deleted after the message was queued
          continue;
        }
        filed.add(row.account_id);
        delivered.push(id);
      }
      await c.query(`UPDATE queue_recipients SET state = 'delivered', last_error = NULL, lease_node = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ANY($1::bigint[])`, [delivered]);
      await recordAttempts(
        c,
        messageId,
        delivered.map((id) => ({ recipient: byId.get(id)!.address, result: 'delivered' as const, at: now, mxHost: 'local', replyText: 'filed into the mailbox' })),
      );
      await dropIfFinished(c, messageId);
      return { delivered, unfiled, lost: recipientIds.length - byId.size };
    });
    this.forget(result.delivered, result.lost);
    return { delivered: result.delivered, unfiled: result.unfiled };
  }

  async recoverInFlight(): Promise<number> {
    // Only this node's rows: another node's in-flight work is its own (or comes back when its lease expires).
    return transaction(this.pool, async (c) => {
      const { rows } = await c.query<{ message_id: string }>(
        `UPDATE queue_recipients SET state = 'deferred', last_error = COALESCE(last_error, 'interrupted by a restart'), lease_node = NULL, lease_token = NULL, lease_expires_at = NULL
         WHERE state = 'in_flight' AND (lease_node = $1 OR lease_node IS NULL) RETURNING message_id`,
        [this.lease.nodeName],
      );
      await refreshSummary(
        c,
        rows.map((r) => r.message_id),
      );
      this.leases.clear();
      return rows.length;
    });
  }

  async nextDueAt(): Promise<number | null> {
    // Also when another node's lease runs out: its work is then due here.
    const { rows } = await this.pool.query<{ due: number | null }>(
      `SELECT LEAST(
         (SELECT MIN(r.next_attempt_at) FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id WHERE r.state IN ('queued', 'deferred') AND NOT m.held),
         (SELECT MIN(lease_expires_at) FROM queue_recipients WHERE state = 'in_flight' AND lease_node <> $1)) AS due`,
      [this.lease.nodeName],
    );
    return rows[0]?.due ?? null;
  }

  /**
   * Another node's claims whose lease ran out (the node died or hung mid-delivery) go back to the queue,
   * deferred and due at once: a remote delivery may then be repeated (at least once, as every MTA);
   * local filing is not, since the dead node's outcome no longer holds the lease.
   */
  private async returnExpiredLeases(now: number): Promise<void> {
    if (now - this.lastExpiredCheck < EXPIRED_LEASE_CHECK_MS && now >= this.lastExpiredCheck) return;
    this.lastExpiredCheck = now;
    await transaction(this.pool, async (c) => {
      const { rows } = await c.query<{ message_id: string }>(
        `UPDATE queue_recipients SET state = 'deferred', next_attempt_at = $1, last_error = COALESCE(last_error, 'the node delivering it stopped (its lease expired)'),
           lease_node = NULL, lease_token = NULL, lease_expires_at = NULL
         WHERE id IN (SELECT id FROM queue_recipients WHERE state = 'in_flight' AND lease_node <> $2 AND lease_expires_at < $1 FOR UPDATE SKIP LOCKED)
         RETURNING message_id`,
        [now, this.lease.nodeName],
      );
      await refreshSummary(
        c,
        rows.map((r) => r.message_id),
      );
    });
  }

  private forget(recipientIds: number[], lost: number): void {
    for (const id of recipientIds) this.leases.delete(id);
    if (lost > 0) this.lease.onLeaseLost?.(lost);
  }
}
