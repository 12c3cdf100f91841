// Where each mailbox goes in a Maildir++ tree (the layout Dovecot and Courier read): INBOX is the top
// directory, every other mailbox a directory ".Name" beside cur/new/tmp, its hierarchy joined with dots
// ("Archive/2024" is ".Archive.2024"). A mailbox name that itself holds a dot comes back as a hierarchy;
// docs/backup.md says so.
import { MAILBOX_DELIMITER } from '../store/mailbox-store.ts';

export const MAILDIR_SUBDIRS = ['cur', 'new', 'tmp'] as const;

export function maildirFolder(mailbox: string): string {
  return mailbox.toUpperCase() === 'INBOX' ? '' : `.${mailbox.split(MAILBOX_DELIMITER).join('.')}`;
}

/** The mailbox a Maildir++ folder directory stands for ('' is INBOX); null for anything else. */
export function mailboxOfFolder(entry: string): string | null {
  if (entry === '') return 'INBOX';
  if (!entry.startsWith('.') || entry === '.' || entry === '..') return null;
  return entry.slice(1).split('.').join(MAILBOX_DELIMITER);
}

/** A unique file name for a message: time, our counter, the host part, then the flags. */
export function maildirFileName(internalDate: number, uid: number, mailboxId: number, info: string): string {
  return `${Math.floor(internalDate / 1000)}.M${mailboxId}U${uid}.mailroom:${info}`;
}
