// The maildrop a POP3 session works on: a snapshot of INBOX taken at login, numbered 1..n, with
// deletion marks that are applied only in the UPDATE state. Mail arriving later is not shown (RFC 1939
// numbers must stay stable for the session).
import type { MailboxStore } from '../store/mailbox-store.ts';
import { Pop3Error } from './reply.ts';

export interface DropMessage {
  number: number;
  uid: number;
  mailId: number;
  size: number;
  deleted: boolean;
}

export class Maildrop {
  private constructor(
    readonly mailboxId: number,
    private readonly uidValidity: number,
    private readonly messages: DropMessage[],
  ) {}

  static async open(store: Pick<MailboxStore, 'findMailbox' | 'listMail'>, accountId: number): Promise<Maildrop> {
    const inbox = await store.findMailbox(accountId, 'INBOX');
    if (!inbox) throw new Pop3Error('The account has no INBOX', 'SYS/PERM');
    const mail = await store.listMail(inbox.id);
    return new Maildrop(
      inbox.id,
      inbox.uidValidity,
      mail.map((m, i) => ({ number: i + 1, uid: m.uid, mailId: m.id, size: m.size, deleted: false })),
    );
  }

  /** A message that exists and is not marked deleted. */
  get(number: number): DropMessage {
    const m = this.messages[number - 1];
    if (!m) throw new Pop3Error('No such message');
    if (m.deleted) throw new Pop3Error(`Message ${number} already deleted`);
    return m;
  }

  live(): DropMessage[] {
    return this.messages.filter((m) => !m.deleted);
  }

  stat(): { count: number; size: number } {
    const live = this.live();
    return { count: live.length, size: live.reduce((sum, m) => sum + m.size, 0) };
  }

  /** RFC 1939 unique-id: stable across sessions, unique while UIDVALIDITY holds; printable ASCII. */
  uniqueId(m: DropMessage): string {
    return `${this.uidValidity}.${m.uid}`;
  }

  reset(): number {
    let n = 0;
    for (const m of this.messages) {
      if (m.deleted) n++;
      m.deleted = false;
    }
    return n;
  }

  deletedUids(): number[] {
    return this.messages.filter((m) => m.deleted).map((m) => m.uid);
  }
}
