// What FETCH needs of a message that can be computed once and kept in the store instead of parsing the
// message at every FETCH: today the rendered ENVELOPE. A FETCH asks the store for the envelopes of a batch
// of messages in one read; those missing (mail stored before, or by an older FACTS_VERSION) are parsed
// from the message once and kept, so the next FETCH reads no message content for them.
import type { MailboxStore } from '../store/mailbox-store.ts';
import { envelope } from './mime/envelope.ts';
import { parseMessage } from './mime/part.ts';
import { takeTurn } from '../util/event-loop-turns.ts';

/**
 * Raise when a parser change would render a stored fact differently: every kept fact of an older version
 * is then computed again on its next FETCH.
 */
export const FACTS_VERSION = 1;

/** The rendered ENVELOPE of a message, exactly what FETCH ENVELOPE sends after "ENVELOPE ". */
export const renderEnvelope = (content: Buffer): Buffer => envelope(parseMessage(content).fields);

export type EnvelopeStore = Pick<MailboxStore, 'readEnvelopes' | 'saveEnvelopes' | 'readMail'>;

/**
 * The ENVELOPEs of the given messages (by store id); a message gone meanwhile is absent. Each message
 * parsed here first waits its turn of the event loop, as FETCH's own reads do.
 */
export async function envelopesOf(store: EnvelopeStore, ids: readonly number[], isClosed: () => boolean): Promise<Map<number, Buffer>> {
  const found = await store.readEnvelopes(ids, FACTS_VERSION);
  const computed = new Map<number, Buffer>();
  for (const id of ids) {
    if (found.has(id)) continue;
    await takeTurn();
    if (isClosed()) break;
    const content = await store.readMail(id);
    if (!content) continue;
    const rendered = renderEnvelope(content);
    computed.set(id, rendered);
    found.set(id, rendered);
  }
  await store.saveEnvelopes(computed, FACTS_VERSION);
  return found;
}
