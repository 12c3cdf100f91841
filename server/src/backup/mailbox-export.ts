// `mailroom mailbox export`: one account's mail, read through the Store interface (so it works on every
// back end), written as mbox (one mailbox) or as a Maildir++ tree (every mailbox, or one). The output is
// written aside and renamed into place when complete.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store.ts';
import type { MailboxInfo } from '../store/types.ts';
import { BackupError } from './backup-error.ts';
import { asidePath, commitAside } from './durable-file.ts';
import { maildirInfo, mboxFlagHeaders } from './mail-flags.ts';
import { MAILDIR_SUBDIRS, maildirFileName, maildirFolder } from './maildir-layout.ts';
import { escapeFromLines, fromLine } from './mbox-format.ts';
import { fromLatin1, putFlagHeaders, toLatin1, toLf } from './message-text.ts';

export type ExportFormat = 'mbox' | 'maildir';

export interface ExportRequest {
  address: string;
  format: ExportFormat;
  output: string;
  /** mbox: the mailbox to export (INBOX when unset). maildir: only this one when set. */
  mailbox?: string | undefined;
}

export interface ExportResult {
  messages: number;
  mailboxes: number;
}

async function accountMailboxes(store: Store, address: string, only: string | undefined): Promise<MailboxInfo[]> {
  const account = await store.findAccount(address);
  if (!account) throw new BackupError(`no account ${address}`);
  if (only === undefined) return store.listMailboxes(account.id);
  const mailbox = await store.findMailbox(account.id, only);
  if (!mailbox) throw new BackupError(`${address} has no mailbox ${JSON.stringify(only)}`);
  return [mailbox];
}

/** Calls fn with each message's LF text, flags and internal date, one message in memory at a time. */
async function eachMessage(store: Store, mailbox: MailboxInfo, fn: (text: string, flags: string[], internalDate: number, uid: number) => void): Promise<number> {
  let count = 0;
  for (const mail of await store.listMail(mailbox.id)) {
    const content = await store.readMail(mail.id);
    if (!content) continue; // expunged while we read
    fn(toLf(toLatin1(content)), mail.flags, mail.internalDate, mail.uid);
    count++;
  }
  return count;
}

async function exportMbox(store: Store, mailbox: MailboxInfo, file: string): Promise<number> {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    return await eachMessage(store, mailbox, (text, flags, internalDate) => {
      const h = mboxFlagHeaders(flags);
      const lines = [`Status: ${h.status}`, ...(h.xStatus ? [`X-Status: ${h.xStatus}`] : []), ...(h.keywords.length > 0 ? [`X-Keywords: ${h.keywords.join(' ')}`] : [])];
      const body = escapeFromLines(putFlagHeaders(text, lines));
      fs.writeSync(fd, fromLatin1(`${fromLine(text, internalDate)}\n${body}${body.endsWith('\n') ? '' : '\n'}\n`));
    });
  } finally {
    fs.closeSync(fd);
  }
}

async function exportMaildir(store: Store, mailboxes: MailboxInfo[], root: string): Promise<number> {
  let count = 0;
  for (const mailbox of mailboxes) {
    const folder = path.join(root, maildirFolder(mailbox.name));
    for (const sub of MAILDIR_SUBDIRS) fs.mkdirSync(path.join(folder, sub), { recursive: true, mode: 0o700 });
    count += await eachMessage(store, mailbox, (text, flags, internalDate, uid) => {
      const file = path.join(folder, 'cur', maildirFileName(internalDate, uid, mailbox.id, maildirInfo(flags)));
      fs.writeFileSync(file, fromLatin1(text), { mode: 0o600 });
      const seconds = internalDate / 1000;
      fs.utimesSync(file, seconds, seconds); // readers take the arrival time from the file's mtime
    });
  }
  return count;
}

export async function exportMailbox(store: Store, request: ExportRequest): Promise<ExportResult> {
  if (fs.existsSync(request.output)) throw new BackupError(`${request.output} exists; export writes a new file or directory`);
  const only = request.format === 'mbox' ? (request.mailbox ?? 'INBOX') : request.mailbox;
  const mailboxes = await accountMailboxes(store, request.address, only);
  const aside = asidePath(path.resolve(request.output));
  fs.rmSync(aside, { recursive: true, force: true });
  try {
    const messages = request.format === 'mbox' ? await exportMbox(store, mailboxes[0]!, aside) : await exportMaildir(store, mailboxes, aside);
    commitAside(aside, path.resolve(request.output));
    return { messages, mailboxes: mailboxes.length };
  } catch (err) {
    fs.rmSync(aside, { recursive: true, force: true });
    throw err;
  }
}
