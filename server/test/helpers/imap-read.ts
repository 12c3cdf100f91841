// Reads an account's mailboxes over IMAP with imapflow (a real client): subjects and flags per message,
// for tests that compare what a server holds before and after a backup, restore, export or import.
import { ImapFlow } from 'imapflow';

export interface SeenMessage {
  subject: string;
  flags: string[];
  source: Buffer;
}

export async function withImap<T>(port: number, user: string, pass: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Every message of a mailbox in UID order; \Recent is left out (it is per session). */
export async function readMailbox(client: ImapFlow, mailbox: string): Promise<SeenMessage[]> {
  await client.mailboxOpen(mailbox, { readOnly: true });
  const messages: SeenMessage[] = [];
  if ((client.mailbox && client.mailbox.exists) === 0) return messages;
  for await (const msg of client.fetch('1:*', { envelope: true, flags: true, source: true })) {
    messages.push({ subject: msg.envelope?.subject ?? '', flags: [...(msg.flags ?? [])].filter((f) => f !== '\\Recent').sort(), source: msg.source ?? Buffer.alloc(0) });
  }
  return messages;
}
