// What FETCH needs of a message that can be computed once and kept in the store instead of parsing the
// message at every FETCH: the rendered ENVELOPE, BODYSTRUCTURE and BODY. A FETCH asks the store for the
// facts of a batch of messages in one read; those missing (mail stored before, or by an older
// FACTS_VERSION) are parsed from the message once and kept, so the next FETCH reads no message content.
import type { ImapFactName, ImapFacts, MailboxStore } from '../store/mailbox-store.ts';
import { bodyStructure } from './mime/body-structure.ts';
import { envelope } from './mime/envelope.ts';
import { parseMessage } from './mime/part.ts';
import { takeTurn } from '../util/event-loop-turns.ts';

/**
 * Raise when a parser change would render a stored fact differently: every fact kept by an older version
 * is then computed again on its next FETCH.
 */
export const FACTS_VERSION = 2;

/**
 * Exactly what FETCH sends after "ENVELOPE ", "BODYSTRUCTURE " and "BODY " for this message, and its header
 * section (a copy: the facts must not hold on to the whole message).
 */
export function renderFacts(content: Buffer): ImapFacts {
  const root = parseMessage(content);
  return {
    envelope: envelope(root.fields),
    bodyStructure: bodyStructure(content, root, true),
    body: bodyStructure(content, root, false),
    header: Buffer.from(content.subarray(root.start, root.bodyStart)),
  };
}

export type FactsStore = Pick<MailboxStore, 'readImapFacts' | 'saveImapFacts' | 'readMail'>;

/** One message's header section, from its facts (computed if missing); null when the message is gone. */
export async function headerOf(store: FactsStore, id: number, isClosed: () => boolean): Promise<Buffer | null> {
  return (await factsOf(store, [id], isClosed, ['header'])).get(id)?.header ?? null;
}

/** The header sections of the given messages (by store id), from their facts (computed where missing). */
export async function headersOf(store: FactsStore, ids: readonly number[], isClosed: () => boolean): Promise<Map<number, Buffer>> {
  return new Map([...(await factsOf(store, ids, isClosed, ['header']))].map(([id, f]) => [id, f.header]));
}

/**
 * The facts of the given messages (by store id); a message gone meanwhile is absent. Each message parsed
 * here first waits its turn of the event loop, as FETCH's own reads do. With fields, only those are read
 * from the store (a message parsed here has them all).
 */
export async function factsOf<K extends ImapFactName = ImapFactName>(
  store: FactsStore,
  ids: readonly number[],
  isClosed: () => boolean,
  fields?: readonly K[],
): Promise<Map<number, Pick<ImapFacts, K>>> {
  const found = await store.readImapFacts(ids, FACTS_VERSION, fields);
  const computed = new Map<number, ImapFacts>();
  for (const id of ids) {
    if (found.has(id)) continue;
    await takeTurn();
    if (isClosed()) break;
    const content = await store.readMail(id);
    if (!content) continue;
    const facts = renderFacts(content);
    computed.set(id, facts);
    found.set(id, facts);
  }
  await store.saveImapFacts(computed, FACTS_VERSION);
  return found;
}
