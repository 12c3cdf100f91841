// The quarantine in SQLite: one row per message with its envelope and content. Releasing hands the message
// to the delivery queue in the same transaction that removes it here.
import type { NewQuarantined, QuarantinedMessage, QuarantineStore } from '../quarantine-store.ts';
import type { NewRecipient } from '../types.ts';
import { stmt, type Db } from './open.ts';
import { recordAcceptance } from './history.ts';
import { insertMessage } from './queue-rows.ts';

interface Row {
  id: string;
  created_at: number;
  sender: string;
  recipients: string;
  source: QuarantinedMessage['source'];
  client_address: string | null;
  auth_user: string | null;
  reason: QuarantinedMessage['reason'];
  detail: string;
  size: number;
}

const COLUMNS = 'id, created_at, sender, recipients, source, client_address, auth_user, reason, detail, size';

const toMessage = (r: Row): QuarantinedMessage => ({
  id: r.id,
  createdAt: r.created_at,
  sender: r.sender,
  recipients: JSON.parse(r.recipients) as NewRecipient[],
  source: r.source,
  clientAddress: r.client_address ?? undefined,
  authUser: r.auth_user ?? undefined,
  reason: r.reason,
  detail: r.detail,
  size: r.size,
});

export class SqliteQuarantine implements QuarantineStore {
  constructor(private readonly db: Db) {}

  async quarantine(m: NewQuarantined, now: number): Promise<void> {
    const recipients = JSON.stringify(m.recipients.map((r) => ({ address: r.address, destination: r.destination, accountId: r.accountId })));
    stmt(this.db, `INSERT INTO quarantine (${COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      m.id,
      now,
      m.sender,
      recipients,
      m.source,
      m.clientAddress ?? null,
      m.authUser ?? null,
      m.reason,
      m.detail,
      m.content.length,
      m.content,
    );
  }

  async listQuarantine(req: { offset: number; limit: number }): Promise<{ total: number; items: QuarantinedMessage[] }> {
    const total = stmt(this.db, 'SELECT COUNT(*) FROM quarantine').pluck().get() as number;
    const rows = stmt(this.db, `SELECT ${COLUMNS} FROM quarantine ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(req.limit, req.offset) as Row[];
    return { total, items: rows.map(toMessage) };
  }

  async getQuarantined(id: string): Promise<QuarantinedMessage | null> {
    const row = stmt(this.db, `SELECT ${COLUMNS} FROM quarantine WHERE id = ?`).get(id) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async readQuarantinedContent(id: string): Promise<Buffer | null> {
    return (stmt(this.db, 'SELECT content FROM quarantine WHERE id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }

  async releaseQuarantined(id: string, now: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = stmt(this.db, `SELECT ${COLUMNS}, content FROM quarantine WHERE id = ?`).get(id) as (Row & { content: Buffer }) | undefined;
        if (!row) return false;
        const m = toMessage(row);
        const released = { id: m.id, sender: m.sender, recipients: m.recipients, content: row.content, source: m.source, clientAddress: m.clientAddress, authUser: m.authUser };
        recordAcceptance(this.db, released, now, []);
        insertMessage(this.db, released, now);
        stmt(this.db, 'DELETE FROM quarantine WHERE id = ?').run(id);
        return true;
      })
      .immediate();
  }

  async deleteQuarantined(id: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM quarantine WHERE id = ?').run(id).changes > 0;
  }
}
