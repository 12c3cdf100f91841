// What IMAP needs of the store: account lookup for logins, the mailbox calls, and quota usage (quota.ts).
import type { MailboxStore } from '../store/mailbox-store.ts';
import type { QuotaStore } from '../store/quota-store.ts';
import type { DirectoryStore } from '../store/store.ts';

export type ImapStore = Pick<DirectoryStore, 'findAccount'> & Pick<QuotaStore, 'getQuota'> & MailboxStore;
