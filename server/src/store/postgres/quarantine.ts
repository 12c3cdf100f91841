// The quarantine in PostgreSQL: one row per message with its envelope and content. Releasing hands the
// message to the delivery queue in the same transaction that removes it here (DELETE ... RETURNING, so
// two nodes releasing at once cannot both get it).
import type pg from 'pg';
import type { NewQuarantined, QuarantinedMessage, QuarantineStore } from '../quarantine-store.ts';
import type { NewRecipient } from '../types.ts';
import { recordAcceptances } from './history.ts';
import { transaction } from './pool.ts';
import { insertMessage } from './queue-rows.ts';

interface Row {
  id: string;
  created_at: number;
  sender: string;
  recipients: NewRecipient[];
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
  recipients: r.recipients,
  source: r.source,
  clientAddress: r.client_address ?? undefined,
  authUser: r.auth_user ?? undefined,
  reason: r.reason,
  detail: r.detail,
  size: r.size,
});

export class PgQuarantine implements QuarantineStore {
  constructor(private readonly pool: pg.Pool) {}

  async quarantine(m: NewQuarantined, now: number): Promise<void> {
    const recipients = JSON.stringify(m.recipients.map((r) => ({ address: r.address, destination: r.destination, accountId: r.accountId })));
    await this.pool.query(`INSERT INTO quarantine (${COLUMNS}, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
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
    ]);
  }

  async listQuarantine(req: { offset: number; limit: number }): Promise<{ total: number; items: QuarantinedMessage[] }> {
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM quarantine')).rows[0]!.n;
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM quarantine ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [req.limit, req.offset]);
    return { total, items: rows.map(toMessage) };
  }

  async getQuarantined(id: string): Promise<QuarantinedMessage | null> {
    const row = (await this.pool.query<Row>(`SELECT ${COLUMNS} FROM quarantine WHERE id = $1`, [id])).rows[0];
    return row ? toMessage(row) : null;
  }

  async readQuarantinedContent(id: string): Promise<Buffer | null> {
    return (await this.pool.query<{ content: Buffer }>('SELECT content FROM quarantine WHERE id = $1', [id])).rows[0]?.content ?? null;
  }

  async releaseQuarantined(id: string, now: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      const row = (await c.query<Row & { content: Buffer }>(`DELETE FROM quarantine WHERE id = $1 RETURNING ${COLUMNS}, content`, [id])).rows[0];
      if (!row) return false;
      const m = toMessage(row);
      const released = { id: m.id, sender: m.sender, recipients: m.recipients, content: row.content, source: m.source, clientAddress: m.clientAddress, authUser: m.authUser };
      await recordAcceptances(c, [{ message: released, now, filed: [] }]);
      await insertMessage(c, released, now);
      return true;
    });
  }

  async deleteQuarantined(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM quarantine WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
