// LIST and LSUB (RFC 3501 6.3.8, 6.3.9) with child attributes (RFC 3348) and special-use attributes
// (RFC 6154). "*" matches across levels, "%" within one (list-pattern.ts).
import { MAILBOX_DELIMITER } from '../../store/mailbox-store.ts';
import type { MailboxInfo } from '../../store/types.ts';
import { patternMatcher } from '../list-pattern.ts';
import { encodeMailboxName } from '../mailbox-name.ts';
import { astring, text } from '../protocol/response.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

const DELIMITER = `"${MAILBOX_DELIMITER}"`;

/** Every name that is the parent of another: "Archive" and "Archive/2024" for "Archive/2024/Q1". */
function parentNames(names: readonly string[]): Set<string> {
  const parents = new Set<string>();
  for (const name of names) {
    for (let i = name.indexOf(MAILBOX_DELIMITER); i > 0; i = name.indexOf(MAILBOX_DELIMITER, i + 1)) parents.add(name.slice(0, i));
  }
  return parents;
}

/** Names matched between two yields to the event loop, so an account with very many mailboxes never blocks it. */
const MATCH_CHUNK = 256;

async function matching(names: readonly string[], matches: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < names.length; i += MATCH_CHUNK) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const name of names.slice(i, i + MATCH_CHUNK)) if (matches(name)) out.push(name);
  }
  return out;
}

/**
 * LSUB: the subscribed names that match, and, with \Noselect, every unsubscribed parent that matches while a
 * subscribed name below it does not (RFC 3501 6.3.9: "box/%" shows "box/a" when only "box/a/b" is subscribed,
 * so the client can see there is something below it). With "*" the children match themselves.
 */
function lsubNames(subscribed: readonly string[], matches: (name: string) => boolean, matched: readonly string[]): { names: string[]; parentsOnly: Set<string> } {
  const names = new Set(matched);
  const parentsOnly = new Set<string>();
  for (const name of subscribed) {
    if (names.has(name)) continue;
    for (const parent of parentNames([name])) {
      if (!names.has(parent) && !parentsOnly.has(parent) && matches(parent)) parentsOnly.add(parent);
    }
  }
  return { names: [...names, ...parentsOnly], parentsOnly };
}

const byName = (a: string, b: string) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0);

export const list: Handler<CommandOf<'LIST' | 'LSUB'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const { reference, pattern } = command;
    if (command.name === 'LIST' && pattern === '') {
      // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
      await session.untagged(`LIST (\\Noselect) ${DELIMITER} ""`);
      return { text: 'LIST completed' };
    }
    const boxes = await session.store.listMailboxes(session.user.id);
    const byBoxName = new Map<string, MailboxInfo>(boxes.map((b) => [b.name, b]));
    const parents = parentNames(boxes.map((b) => b.name));
    const matches = patternMatcher(reference, pattern);
    const names = command.name === 'LIST' ? boxes.map((b) => b.name) : await session.store.listSubscriptions(session.user.id);
    let shown = await matching(names, matches);
    let parentsOnly = new Set<string>();
    if (command.name === 'LSUB') ({ names: shown, parentsOnly } = lsubNames(names, matches, shown));
    for (const name of shown.sort(byName)) {
      const box = byBoxName.get(name);
      const attributes: string[] = [];
      if (!box || parentsOnly.has(name)) attributes.push('\\Noselect');
      else {
        attributes.push(parents.has(name) ? '\\HasChildren' : '\\HasNoChildren');
        if (box.specialUse) attributes.push(box.specialUse);
      }
      await session.untagged(Buffer.concat([text(`${command.name} (${attributes.join(' ')}) ${DELIMITER} `), astring(encodeMailboxName(name))]));
    }
    return { text: `${command.name} completed` };
  },
};
