// The delivery queue in SQLite: messages, their content and per-recipient delivery state.
import type { QueueStore } from '../store.ts';
import type {
  DeliveryJob, NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, QueueSort, QueueState,
  RecipientOutcome,
} from '../types.ts';
import { domainOf } from '../../util/address.ts';
import type { Db } from './open.ts';

interface RecipientRow {
  id: number;
  message_id: string;
  address: string;
  destination: 'local' | 'remote';
  domain: string;
  account_id: number | null;
  state: QueueRecipient['state'];
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
}

interface MessageRow {
  id: string;
  sender: string;
  size: number;
  created_at: number;
  source: QueueMessage['source'];
  held: number;
  state: QueueState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
}

const toRecipient = (r: RecipientRow): QueueRecipient => ({
  id: r.id,
  messageId: r.message_id,
  address: r.address,
  destination: r.destination,
  domain: r.domain,
  accountId: r.account_id,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastError: r.last_error,
});

const PENDING = `('queued', 'in_flight', 'deferred')`;

/** Message-level columns derived from its pending recipients, shared by list and get. */
const MESSAGE_COLUMNS = `
  m.id, m.sender, m.size, m.created_at, m.source, m.held,
  CASE
    WHEN m.held = 1 THEN 'held'
    WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'in_flight') THEN 'in_flight'
    WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'deferred') THEN 'deferred'
    ELSE 'queued'
  END AS state,
  (SELECT MAX(r.attempts) FROM queue_recipients r WHERE r.message_id = m.id) AS attempts,
  (SELECT MIN(r.next_attempt_at) FROM queue_recipients r WHERE r.message_id = m.id AND r.state IN ('queued', 'deferred')) AS next_attempt_at,
  (SELECT r.last_error FROM queue_recipients r WHERE r.message_id = m.id AND r.last_error IS NOT NULL ORDER BY r.last_attempt_at DESC LIMIT 1) AS last_error`;

const SORTS: Record<QueueSort, string> = {
  created: 'm.created_at ASC, m.id ASC',
  '-created': 'm.created_at DESC, m.id DESC',
  next_attempt: 'next_attempt_at ASC, m.id ASC',
  '-next_attempt': 'next_attempt_at DESC, m.id DESC',
  size: 'm.size ASC, m.id ASC',
  '-size': 'm.size DESC, m.id DESC',
  attempts: 'attempts ASC, m.id ASC',
  '-attempts': 'attempts DESC, m.id DESC',
};

export class SqliteQueue implements QueueStore {
  constructor(private readonly db: Db) {}

  async enqueue(message: NewMessage): Promise<void> {
    const now = Date.now();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO queue_messages (id, sender, size, created_at, source, client_address, auth_user) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(message.id, message.sender, message.content.length, now, message.source, message.clientAddress ?? null, message.authUser ?? null);
      this.db.prepare('INSERT INTO queue_content (message_id, content) VALUES (?, ?)').run(message.id, message.content);
      const insert = this.db.prepare(
        `INSERT INTO queue_recipients (message_id, address, destination, domain, account_id, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)`,
      );
      for (const r of message.recipients) insert.run(message.id, r.address, r.destination, domainOf(r.address), r.accountId ?? null, now);
    }).immediate();
  }

  async claimNextJob(now: number, retryAt: (attempts: number) => number, busyDomains: ReadonlySet<string>): Promise<DeliveryJob | null> {
    return this.db.transaction((): DeliveryJob | null => {
      const head = this.db
        .prepare(
          `SELECT r.message_id, r.destination, r.domain, m.sender, m.created_at FROM queue_recipients r
           JOIN queue_messages m ON m.id = r.message_id
           WHERE r.state IN ('queued', 'deferred') AND r.next_attempt_at <= ? AND m.held = 0
             AND (r.destination = 'local' OR r.domain NOT IN (SELECT value FROM json_each(?)))
           ORDER BY r.next_attempt_at LIMIT 1`,
        )
        .get(now, JSON.stringify([...busyDomains])) as
        | { message_id: string; destination: 'local' | 'remote'; domain: string; sender: string; created_at: number }
        | undefined;
      if (!head) return null;
      const rows = this.db
        .prepare(
          `SELECT * FROM queue_recipients WHERE message_id = ? AND destination = ? AND (destination = 'local' OR domain = ?)
           AND state IN ('queued', 'deferred') AND next_attempt_at <= ?`,
        )
        .all(head.message_id, head.destination, head.domain, now) as RecipientRow[];
      const claim = this.db.prepare(
        `UPDATE queue_recipients SET state = 'in_flight', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ? WHERE id = ?`,
      );
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
    }).immediate();
  }

  async recordOutcomes(messageId: string, outcomes: RecipientOutcome[], now: number): Promise<void> {
    this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE queue_recipients SET state = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND state = 'in_flight'`,
      );
      for (const o of outcomes) update.run(o.result, o.error ?? null, o.retryAt ?? null, o.recipientId);
      this.dropIfFinished(messageId);
      void now;
    }).immediate();
  }

  async deliverLocal(messageId: string, recipientIds: number[], content: Buffer, now: number): Promise<void> {
    this.db.transaction(() => {
      const pick = this.db.prepare(`SELECT account_id FROM queue_recipients WHERE id = ? AND state = 'in_flight'`).pluck();
      const inbox = this.db.prepare(`SELECT id, uid_next FROM mailboxes WHERE account_id = ? AND name = 'INBOX'`);
      const bump = this.db.prepare('UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?');
      const file = this.db.prepare('INSERT INTO mail (mailbox_id, uid, internal_date, size, queue_id, content) VALUES (?, ?, ?, ?, ?, ?)');
      const done = this.db.prepare(`UPDATE queue_recipients SET state = 'delivered', last_error = NULL WHERE id = ?`);
      const filed = new Set<number>();
      for (const id of recipientIds) {
        const accountId = pick.get(id) as number | null | undefined;
        if (accountId === undefined) continue; // removed from the queue while in flight
        // Two recipients that resolve to one account (an alias and the address itself) get one copy.
        if (accountId !== null && !filed.has(accountId)) {
          const box = inbox.get(accountId) as { id: number; uid_next: number } | undefined;
          if (box) {
            file.run(box.id, box.uid_next, now, content.length, messageId, content);
            bump.run(box.id);
            filed.add(accountId);
          }
        }
        done.run(id);
      }
      this.dropIfFinished(messageId);
    }).immediate();
  }

  async recoverInFlight(): Promise<number> {
    return this.db.prepare(`UPDATE queue_recipients SET state = 'deferred', last_error = COALESCE(last_error, 'interrupted by a restart') WHERE state = 'in_flight'`).run().changes;
  }

  async nextDueAt(): Promise<number | null> {
    const v = this.db
      .prepare(
        `SELECT MIN(r.next_attempt_at) FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
         WHERE r.state IN ('queued', 'deferred') AND m.held = 0`,
      )
      .pluck()
      .get() as number | null;
    return v ?? null;
  }

  async listQueue(req: QueueListRequest, _now: number): Promise<{ total: number; items: QueueMessage[] }> {
    const { where, params } = filterSql(req);
    const total = this.db.prepare(`SELECT COUNT(*) FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where}`).pluck().get(...params) as number;
    const rows = this.db
      .prepare(`SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where} ORDER BY ${SORTS[req.sort ?? 'created']} LIMIT ? OFFSET ?`)
      .all(...params, req.limit, req.offset) as MessageRow[];
    return { total, items: rows.map((r) => this.withRecipients(r)) };
  }

  async getQueueMessage(id: string): Promise<QueueMessage | null> {
    const row = this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE m.id = ?`).get(id) as MessageRow | undefined;
    return row ? this.withRecipients(row) : null;
  }

  async readContent(id: string): Promise<Buffer | null> {
    return (this.db.prepare('SELECT content FROM queue_content WHERE message_id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }

  async sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number> {
    return this.db.transaction(() => {
      const ids = this.matchingIds(filter);
      const update = this.db.prepare(`UPDATE queue_recipients SET next_attempt_at = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`);
      let changed = 0;
      for (const id of ids) if (update.run(now, id).changes > 0) changed++;
      return changed;
    }).immediate();
  }

  async setHeld(id: string, held: boolean): Promise<boolean> {
    return this.db.prepare('UPDATE queue_messages SET held = ? WHERE id = ?').run(held ? 1 : 0, id).changes > 0;
  }

  async failMessage(id: string, error: string): Promise<QueueRecipient[]> {
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT * FROM queue_recipients WHERE message_id = ? AND state IN ('queued', 'deferred')`).all(id) as RecipientRow[];
      this.db.prepare(`UPDATE queue_recipients SET state = 'bounced', last_error = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`).run(error, id);
      this.dropIfFinished(id);
      return rows.map(toRecipient);
    }).immediate();
  }

  async removeMessages(filter: QueueFilter & { id?: string }): Promise<number> {
    return this.db.transaction(() => {
      const del = this.db.prepare('DELETE FROM queue_messages WHERE id = ?');
      let removed = 0;
      for (const id of this.matchingIds(filter)) removed += del.run(id).changes;
      return removed;
    }).immediate();
  }

  private matchingIds(filter: QueueFilter & { id?: string }): string[] {
    if (filter.id !== undefined) return this.db.prepare('SELECT id FROM queue_messages WHERE id = ?').pluck().all(filter.id) as string[];
    const { where, params } = filterSql(filter);
    return this.db.prepare(`SELECT id FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where}`).pluck().all(...params) as string[];
  }

  private withRecipients(row: MessageRow): QueueMessage {
    const recipients = (this.db.prepare(`SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY id`).all(row.id) as RecipientRow[]).map(toRecipient);
    return {
      id: row.id,
      sender: row.sender,
      size: row.size,
      createdAt: row.created_at,
      source: row.source,
      held: row.held === 1,
      state: row.state,
      attempts: row.attempts ?? 0,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      recipients,
    };
  }

  private dropIfFinished(messageId: string): void {
    const pending = this.db.prepare(`SELECT 1 FROM queue_recipients WHERE message_id = ? AND state IN ${PENDING} LIMIT 1`).get(messageId);
    if (!pending) this.db.prepare('DELETE FROM queue_messages WHERE id = ?').run(messageId);
  }
}

function filterSql(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses = ['1 = 1'];
  const params: unknown[] = [];
  if (filter.state) {
    clauses.push('m.state = ?');
    params.push(filter.state);
  }
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(
      `(m.id LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address LIKE ? ESCAPE '\\'))`,
    );
    params.push(like, like, like);
  }
  return { where: clauses.join(' AND '), params };
}
