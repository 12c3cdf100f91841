// The group-commit transaction behind acceptMessages: new messages are queued, and local recipients
// filed straight into their INBOX, in one IMMEDIATE transaction (one fsync for all of them). Runs on
// whichever connection the caller owns: the main one, or the accept worker's (accept-worker.ts), which
// puts several callers' batches into one transaction.
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { fileIntoInbox } from './filing.ts';
import { recordAcceptance } from './history.ts';
import type { Db } from './open.ts';
import { insertMessage } from './queue-rows.ts';

/** One acceptMessages call. */
export interface AcceptBatch {
  messages: readonly NewMessage[];
  now: number;
  fileLocal: boolean;
}

/** Commits every batch in one transaction; the results in the same order, per batch. */
export function acceptBatches(db: Db, batches: readonly AcceptBatch[]): AcceptedMessage[][] {
  return db.transaction(() => batches.map((b) => b.messages.map((m) => acceptOne(db, m, b.now, b.fileLocal)))).immediate();
}

function acceptOne(db: Db, message: NewMessage, now: number, fileLocal: boolean): AcceptedMessage {
  const filedAccounts = new Set<number>();
  const filed: string[] = [];
  const rest = message.recipients.filter((r) => {
    if (!fileLocal || r.destination !== 'local' || r.accountId === undefined) return true;
    if (!filedAccounts.has(r.accountId)) {
      if (!fileIntoInbox(db, r.accountId, message.content, message.id, now, r.folder)) return true;
      filedAccounts.add(r.accountId);
    }
    filed.push(r.address);
    return false;
  });
  recordAcceptance(db, message, now, filed);
  if (rest.length > 0) insertMessage(db, { ...message, recipients: rest }, now);
  return { id: message.id, filed: message.recipients.length - rest.length, queued: rest.length };
}
