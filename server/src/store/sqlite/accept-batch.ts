// The group-commit transaction behind acceptMessages: new messages are queued, and local recipients
// filed straight into their INBOX, all in one IMMEDIATE transaction (one fsync for the batch). Runs on
// whichever connection the caller owns: the main one, or the accept worker's (accept-worker.ts).
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { fileIntoInbox } from './filing.ts';
import type { Db } from './open.ts';
import { insertMessage } from './queue-rows.ts';

export function acceptBatch(db: Db, messages: readonly NewMessage[], now: number, fileLocal: boolean): AcceptedMessage[] {
  return db.transaction(() =>
    messages.map((message) => {
      const filedAccounts = new Set<number>();
      const rest = message.recipients.filter((r) => {
        if (!fileLocal || r.destination !== 'local' || r.accountId === undefined) return true;
        if (filedAccounts.has(r.accountId)) return false;
        if (!fileIntoInbox(db, r.accountId, message.content, message.id, now)) return true;
        filedAccounts.add(r.accountId);
        return false;
      });
      if (rest.length > 0) insertMessage(db, { ...message, recipients: rest }, now);
      return { id: message.id, filed: message.recipients.length - rest.length, queued: rest.length };
    }),
  ).immediate();
}
