// QUIT (RFC 1939 sections 4 and 6): after login, the UPDATE state removes the messages marked deleted;
// only then does the client hear +OK. A session that ends any other way removes nothing.
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const quit: Pop3CommandSpec = {
  name: 'QUIT',
  states: [Pop3State.Authorization, Pop3State.Transaction],
  async run(session) {
    if (session.state === Pop3State.Authorization) {
      session.close(ok('Mailroom POP3 server signing off'));
      return;
    }
    session.state = Pop3State.Update;
    const drop = session.maildrop;
    const wanted = drop.deletedUids();
    let removed: number[];
    try {
      removed = wanted.length > 0 ? await session.store.removeMail(drop.mailboxId, wanted) : [];
    } catch (err) {
      session.log.error({ err: (err as Error).message }, 'could not remove deleted messages');
      session.releaseMaildrop();
      session.close(new Pop3Error('Some deleted messages were not removed', 'SYS/TEMP').line);
      return;
    }
    session.releaseMaildrop();
    session.log.info({ removed: removed.length }, 'maildrop updated');
    session.close(ok(`Mailroom POP3 server signing off (${removed.length} messages deleted)`));
  },
};
