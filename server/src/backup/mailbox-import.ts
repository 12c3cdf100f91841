// `mailroom mailbox import`: mail from an mbox file (into one mailbox, INBOX unless named) or a Maildir++
// tree (each folder into the mailbox of the same name) appended to an account through the Store
// interface, with its flags and arrival time. Missing mailboxes are created. Importing adds: running it
// twice gives every message twice, as an IMAP client's upload would.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxError } from '../store/mailbox-store.ts';
import type { Store } from '../store/store.ts';
import { BackupError } from './backup-error.ts';
import { flagsFromMaildirName, flagsFromMboxHeaders } from './mail-flags.ts';
import { mailboxOfFolder } from './maildir-layout.ts';
import { readMbox } from './mbox-format.ts';
import { fromLatin1, takeFlagHeaders, toCrlf, toLatin1 } from './message-text.ts';

export interface ImportResult {
  messages: number;
  mailboxes: number;
}

async function mailboxId(store: Store, accountId: number, name: string): Promise<number> {
  const found = await store.findMailbox(accountId, name);
  if (found) return found.id;
  try {
    return (await store.createMailbox(accountId, name)).id;
  } catch (err) {
    if (err instanceof MailboxError) throw new BackupError(`cannot create mailbox ${JSON.stringify(name)}: ${err.message}`);
    throw err;
  }
}

async function importMbox(store: Store, accountId: number, file: string, mailbox: string): Promise<number> {
  const id = await mailboxId(store, accountId, mailbox);
  let count = 0;
  for await (const message of readMbox(file)) {
    const { text, values } = takeFlagHeaders(message.text);
    const flags = flagsFromMboxHeaders({ status: values.get('status'), xStatus: values.get('x-status'), keywords: values.get('x-keywords')?.split(/[\s,]+/) });
    await store.appendMail(id, fromLatin1(toCrlf(text)), flags, message.date ?? Date.now());
    count++;
  }
  return count;
}

/** Folder directories of a Maildir++ tree: '' (INBOX, when it has cur/ or new/) and every ".Name". */
function maildirFolders(root: string): Array<{ dir: string; mailbox: string }> {
  const isMaildir = (dir: string) => fs.existsSync(path.join(dir, 'cur')) || fs.existsSync(path.join(dir, 'new'));
  const folders: Array<{ dir: string; mailbox: string }> = [];
  if (isMaildir(root)) folders.push({ dir: root, mailbox: 'INBOX' });
  for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const mailbox = entry.isDirectory() ? mailboxOfFolder(entry.name) : null;
    if (mailbox && isMaildir(path.join(root, entry.name))) folders.push({ dir: path.join(root, entry.name), mailbox });
  }
  if (folders.length === 0) throw new BackupError(`${root} is not a maildir: no cur/ or new/ in it or in any .Folder`);
  return folders;
}

async function importMaildirFolder(store: Store, mailbox: number, dir: string): Promise<number> {
  const files: Array<{ file: string; name: string; mtime: number }> = [];
  for (const sub of ['cur', 'new']) {
    const subdir = path.join(dir, sub);
    if (!fs.existsSync(subdir)) continue;
    for (const name of fs.readdirSync(subdir)) {
      const file = path.join(subdir, name);
      const stat = fs.statSync(file);
      if (stat.isFile()) files.push({ file, name: sub === 'new' ? '' : name, mtime: stat.mtimeMs });
    }
  }
  // Arrival order, so UIDs follow it as they did in the source.
  files.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
  for (const f of files) await store.appendMail(mailbox, fromLatin1(toCrlf(toLatin1(fs.readFileSync(f.file)))), flagsFromMaildirName(f.name), Math.floor(f.mtime));
  return files.length;
}

export async function importMailbox(store: Store, address: string, source: string, mailbox: string | undefined): Promise<ImportResult> {
  const account = await store.findAccount(address);
  if (!account) throw new BackupError(`no account ${address}`);
  if (!fs.existsSync(source)) throw new BackupError(`${source}: no such file or directory`);
  if (!fs.statSync(source).isDirectory()) return { messages: await importMbox(store, account.id, source, mailbox ?? 'INBOX'), mailboxes: 1 };
  if (mailbox !== undefined) throw new BackupError('--mailbox is for an mbox file; a maildir is imported folder by folder');
  let messages = 0;
  const folders = maildirFolders(source);
  for (const folder of folders) messages += await importMaildirFolder(store, await mailboxId(store, account.id, folder.mailbox), folder.dir);
  return { messages, mailboxes: folders.length };
}
