// Reads a maildrop message's content for RETR and TOP.
import type { DropMessage } from '../maildrop.ts';
import { Pop3Error } from '../reply.ts';
import type { Pop3Context } from './context.ts';

export async function readContent(session: Pop3Context, m: DropMessage): Promise<Buffer> {
  const content = await session.store.readMail(m.mailId);
  // An IMAP client may have expunged it since the maildrop was opened.
  if (!content) throw new Pop3Error(`Message ${m.number} was removed by another session`, 'SYS/PERM');
  return content;
}
