// What IMAP needs of the store: account lookup for logins, and the mailbox calls.
import type { MailboxStore } from '../store/mailbox-store.ts';
import type { DirectoryStore } from '../store/store.ts';

export type ImapStore = Pick<DirectoryStore, 'findAccount'> & MailboxStore;
