// The PostgreSQL mailbox store: folders, mail, flags and the counters sessions compare to see changes.
// Each changing method is one transaction; the SQL lives in mailbox-folders.ts and mailbox-messages.ts.
// Every method is declared here (not inherited) because postgres-store.ts binds this prototype's own methods.
import type pg from 'pg';
import {
  IMAP_FACT_NAMES,
  type CopyResult,
  type FlagOperation,
  type FlagUpdate,
  type MailboxStatus,
  type MailboxStore,
  type MailboxVersion,
  type ImapFactName,
  type ImapFacts,
  type MailColumns,
} from '../mailbox-store.ts';
import { canonicalName, checkName } from '../mailbox-names.ts';
import type { MailboxInfo, StoredMail } from '../types.ts';
import * as folders from './mailbox-folders.ts';
import * as messages from './mailbox-messages.ts';
import { transaction } from './pool.ts';
import type { NewMail } from '../mailbox-store.ts';
import { listMailColumns } from './mail-columns.ts';

export class PgMailboxes implements MailboxStore {
  constructor(
    private readonly pool: pg.Pool,
    /** database.fsync = optimized: flag changes and expunges commit without waiting for the WAL flush (a \Recent claim is one statement, committed as it runs). */
    private readonly relaxed = false,
  ) {}

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn);
  }

  /** A change that creates no mail: see TransactionOptions.relaxed and the database.fsync setting. */
  private relaxedTx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn, { relaxed: this.relaxed });
  }

  async listMailboxes(accountId: number): Promise<MailboxInfo[]> {
    return folders.listBoxes(this.pool, accountId);
  }

  async findMailbox(accountId: number, name: string): Promise<MailboxInfo | null> {
    return folders.findBox(this.pool, accountId, canonicalName(name));
  }

  async createMailbox(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
    const canonical = canonicalName(name);
    checkName(canonical);
    return this.tx((c) => folders.createBox(c, accountId, canonical, specialUse));
  }

  async deleteMailbox(accountId: number, name: string): Promise<void> {
    await this.tx((c) => folders.deleteBox(c, accountId, canonicalName(name)));
  }

  async renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    const target = canonicalName(to);
    checkName(target);
    await this.tx((c) => folders.renameBox(c, accountId, canonicalName(from), target));
  }

  async listSubscriptions(accountId: number): Promise<string[]> {
    return folders.listSubscribed(this.pool, accountId);
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    const canonical = canonicalName(name);
    checkName(canonical);
    await folders.setSubscribed(this.pool, accountId, canonical, subscribed);
  }

  async mailboxVersion(mailboxId: number): Promise<MailboxVersion | null> {
    return (await messages.versions(this.pool, [mailboxId])).get(mailboxId) ?? null;
  }

  async mailboxVersions(mailboxIds: readonly number[]): Promise<Map<number, MailboxVersion>> {
    return messages.versions(this.pool, mailboxIds);
  }

  async mailboxStatus(mailboxId: number): Promise<MailboxStatus | null> {
    return messages.status(this.pool, mailboxId);
  }

  async claimRecent(mailboxId: number): Promise<number> {
    return messages.claimRecent(this.pool, mailboxId);
  }

  async firstRecentUid(mailboxId: number): Promise<number> {
    return messages.firstRecentUid(this.pool, mailboxId);
  }

  async listMail(mailboxId: number, fromUid?: number): Promise<StoredMail[]> {
    return messages.listMail(this.pool, mailboxId, fromUid);
  }

  async listMailColumns(mailboxId: number): Promise<MailColumns> {
    return listMailColumns(this.pool, mailboxId);
  }

  async readMail(id: number): Promise<Buffer | null> {
    return messages.readMail(this.pool, id);
  }

  async readImapFacts<K extends ImapFactName = ImapFactName>(ids: readonly number[], version: number, fields?: readonly K[]): Promise<Map<number, Pick<ImapFacts, K>>> {
    return messages.readImapFacts(this.pool, ids, version, (fields ?? IMAP_FACT_NAMES) as readonly K[]);
  }

  async listMailWithoutImapFacts(limit: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM mail WHERE imap_facts_version IS NULL ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => Number(r.id));
  }

  async saveImapFacts(facts: ReadonlyMap<number, ImapFacts>, version: number): Promise<void> {
    await messages.saveImapFacts(this.pool, facts, version);
  }

  async appendMails(mailboxId: number, mails: readonly NewMail[]): Promise<{ uids: number[]; uidValidity: number }> {
    return this.tx(async (c) => {
      const uids: number[] = [];
      let uidValidity = 0;
      for (const m of mails) {
        const added = await messages.append(c, mailboxId, m.content, m.flags, m.internalDate);
        uids.push(added.uid);
        uidValidity = added.uidValidity;
      }
      return { uids, uidValidity };
    });
  }

  async appendMail(mailboxId: number, content: Buffer, flags: readonly string[], internalDate: number): Promise<{ uid: number; uidValidity: number }> {
    return this.tx((c) => messages.append(c, mailboxId, content, flags, internalDate));
  }

  async setFlags(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[]): Promise<StoredMail[]> {
    return (await this.relaxedTx((c) => messages.setFlags(c, mailboxId, uids, op, flags))).changed;
  }

  async setFlagsUnchangedSince(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince: number): Promise<FlagUpdate> {
    return this.relaxedTx((c) => messages.setFlags(c, mailboxId, uids, op, flags, unchangedSince));
  }

  async copyMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return this.tx((c) => messages.copy(c, fromMailboxId, uids, toMailboxId));
  }

  async moveMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return this.tx(async (c) => {
      const result = await messages.copy(c, fromMailboxId, uids, toMailboxId);
      await messages.remove(c, fromMailboxId, result.sourceUids);
      return result;
    });
  }

  async expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]> {
    return this.relaxedTx((c) => messages.expunge(c, mailboxId, uids));
  }

  async removeMail(mailboxId: number, uids: readonly number[]): Promise<number[]> {
    return this.relaxedTx((c) => messages.remove(c, mailboxId, uids));
  }
}
