// What POP3 needs of the store: account lookup for logins, and the mailbox calls of the maildrop.
import type { MailboxStore } from '../store/mailbox-store.ts';
import type { DirectoryStore } from '../store/store.ts';

export type Pop3Store = Pick<DirectoryStore, 'findAccount'> & MailboxStore;
