// The SQLite mailbox store: folders, mail, flags and the counters sessions compare to see changes.
// Each method is one IMMEDIATE transaction; the SQL lives in mailbox-folders.ts and mailbox-messages.ts.
// Every method is declared here (not inherited) because sqlite-store.ts binds this prototype's own methods.
import {
  IMAP_FACT_NAMES,
  type CopyResult,
  type FlagOperation,
  type FlagUpdate,
  type ImapFactName,
  type ImapFacts,
  type MailboxStatus,
  type MailboxStore,
  type MailboxVersion,
  type MailColumns,
} from '../mailbox-store.ts';
import type { MailboxInfo, StoredMail } from '../types.ts';
import * as folders from './mailbox-folders.ts';
import * as messages from './mailbox-messages.ts';
import { ensureMailboxSchema } from './mailbox-schema.ts';
import { stmt, type Db } from './open.ts';
import type { NewMail } from '../mailbox-store.ts';
import { listMailColumns } from './mail-columns.ts';

/** The mail_facts column of each fact (migrations-mail-facts.ts). */
const FACT_COLUMNS: Record<ImapFactName, string> = { envelope: 'envelope', bodyStructure: 'bodystructure', body: 'body', header: 'header' };

export class SqliteMailboxes implements MailboxStore {
  constructor(
    private readonly db: Db,
    /** database.fsync = optimized: see relaxedTx. */
    private readonly relaxed = false,
  ) {
    ensureMailboxSchema(db);
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * A change that creates no mail (flags, \Recent, expunges, kept facts): with database.fsync = optimized it
   * commits with synchronous=NORMAL, which in WAL mode is atomic and survives a crash of the process but
   * does not wait for fsync; the next commit that does (every message stored) syncs the same WAL file, and
   * with it these. The setting is per connection and better-sqlite3 runs the transaction synchronously, so
   * nothing else commits on this connection between the two pragmas.
   */
  private relaxedTx<T>(fn: () => T): T {
    if (!this.relaxed) return this.tx(fn);
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.tx(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async listMailboxes(accountId: number): Promise<MailboxInfo[]> {
    return folders.listBoxes(this.db, accountId);
  }

  async findMailbox(accountId: number, name: string): Promise<MailboxInfo | null> {
    return folders.findBox(this.db, accountId, folders.canonicalName(name));
  }

  async createMailbox(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
    const canonical = folders.canonicalName(name);
    folders.checkName(canonical);
    return this.tx(() => folders.createBox(this.db, accountId, canonical, specialUse));
  }

  async deleteMailbox(accountId: number, name: string): Promise<void> {
    this.tx(() => folders.deleteBox(this.db, accountId, folders.canonicalName(name)));
  }

  async renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    const target = folders.canonicalName(to);
    folders.checkName(target);
    this.tx(() => folders.renameBox(this.db, accountId, folders.canonicalName(from), target));
  }

  async listSubscriptions(accountId: number): Promise<string[]> {
    return folders.listSubscribed(this.db, accountId);
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    const canonical = folders.canonicalName(name);
    folders.checkName(canonical);
    folders.setSubscribed(this.db, accountId, canonical, subscribed);
  }

  async mailboxVersion(mailboxId: number): Promise<MailboxVersion | null> {
    return messages.version(this.db, mailboxId);
  }

  async mailboxVersions(mailboxIds: readonly number[]): Promise<Map<number, MailboxVersion>> {
    return messages.versions(this.db, mailboxIds);
  }

  async mailboxStatus(mailboxId: number): Promise<MailboxStatus | null> {
    return messages.status(this.db, mailboxId);
  }

  async claimRecent(mailboxId: number): Promise<number> {
    return this.relaxedTx(() => messages.claimRecent(this.db, mailboxId));
  }

  async firstRecentUid(mailboxId: number): Promise<number> {
    return messages.firstRecentUid(this.db, mailboxId);
  }

  async listMail(mailboxId: number, fromUid?: number): Promise<StoredMail[]> {
    return messages.listMail(this.db, mailboxId, fromUid);
  }

  async listMailColumns(mailboxId: number): Promise<MailColumns> {
    return listMailColumns(this.db, mailboxId);
  }

  async readMail(id: number): Promise<Buffer | null> {
    return (stmt(this.db, 'SELECT content FROM mail WHERE id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }

  async readImapFacts<K extends ImapFactName = ImapFactName>(ids: readonly number[], version: number, fields?: readonly K[]): Promise<Map<number, Pick<ImapFacts, K>>> {
    // One statement for the batch, rows as arrays: a prepared get() per id cost twice as much (5.6 µs a
    // message at 5,000 messages a FETCH, a quarter of its time). Only the facts asked for: each blob read
    // is a Buffer made, and FETCH ENVELOPE of 5,000 messages spent half its time reading all four.
    const names = (fields ?? IMAP_FACT_NAMES) as readonly K[];
    const columns = names.map((name) => FACT_COLUMNS[name]).join(', ');
    const read = stmt(this.db, `SELECT mail_id, ${columns} FROM mail_facts WHERE mail_id IN (SELECT value FROM json_each(?)) AND version = ?`).raw(true);
    const found = new Map<number, Pick<ImapFacts, K>>();
    for (const row of read.iterate(JSON.stringify(ids), version) as Iterable<[number, ...Buffer[]]>) {
      const facts = {} as Pick<ImapFacts, K>;
      for (let i = 0; i < names.length; i++) facts[names[i]!] = row[i + 1] as Buffer as Pick<ImapFacts, K>[K];
      found.set(row[0], facts);
    }
    return found;
  }

  async listMailWithoutImapFacts(limit: number): Promise<number[]> {
    return stmt(this.db, 'SELECT mail_id FROM mail_facts_pending ORDER BY mail_id DESC LIMIT ?').pluck().all(limit) as number[];
  }

  async saveImapFacts(facts: ReadonlyMap<number, ImapFacts>, version: number): Promise<void> {
    // Facts have their own table (migrations-mail-facts.ts): saving them touches no mail row, so no modseq
    // trigger fires and the message is not rewritten. A message gone meanwhile gets none.
    const save = stmt(
      this.db,
      `INSERT INTO mail_facts (mail_id, version, envelope, bodystructure, body, header) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM mail WHERE id = ?)
       ON CONFLICT (mail_id) DO UPDATE SET version = excluded.version, envelope = excluded.envelope, bodystructure = excluded.bodystructure, body = excluded.body, header = excluded.header`,
    );
    const parsed = stmt(this.db, 'DELETE FROM mail_facts_pending WHERE mail_id = ?');
    this.relaxedTx(() => {
      for (const [id, f] of facts) {
        save.run(id, version, f.envelope, f.bodyStructure, f.body, f.header, id);
        parsed.run(id);
      }
    });
  }

  async appendMails(mailboxId: number, mails: readonly NewMail[]): Promise<{ uids: number[]; uidValidity: number }> {
    return this.tx(() => {
      const added = mails.map((m) => messages.append(this.db, mailboxId, m.content, m.flags, m.internalDate));
      return { uids: added.map((a) => a.uid), uidValidity: added[0]?.uidValidity ?? 0 };
    });
  }

  async appendMail(mailboxId: number, content: Buffer, flags: readonly string[], internalDate: number): Promise<{ uid: number; uidValidity: number }> {
    return this.tx(() => messages.append(this.db, mailboxId, content, flags, internalDate));
  }

  async setFlags(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[]): Promise<StoredMail[]> {
    return this.relaxedTx(() => messages.setFlags(this.db, mailboxId, uids, op, flags).changed);
  }

  async setFlagsUnchangedSince(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince: number): Promise<FlagUpdate> {
    return this.relaxedTx(() => messages.setFlags(this.db, mailboxId, uids, op, flags, unchangedSince));
  }

  async copyMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return this.tx(() => messages.copy(this.db, fromMailboxId, uids, toMailboxId));
  }

  async moveMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return this.tx(() => {
      const result = messages.copy(this.db, fromMailboxId, uids, toMailboxId);
      messages.remove(this.db, fromMailboxId, result.sourceUids);
      return result;
    });
  }

  async expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]> {
    return this.relaxedTx(() => messages.expunge(this.db, mailboxId, uids));
  }

  async removeMail(mailboxId: number, uids: readonly number[]): Promise<number[]> {
    return this.relaxedTx(() => messages.remove(this.db, mailboxId, uids));
  }
}
