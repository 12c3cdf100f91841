// LIST and LSUB (RFC 3501 6.3.8, 6.3.9) with child attributes (RFC 3348) and special-use attributes
// (RFC 6154). "*" matches across levels, "%" within one.
import { MAILBOX_DELIMITER } from '../../store/mailbox-store.ts';
import type { MailboxInfo } from '../../store/types.ts';
import { encodeMailboxName } from '../mailbox-name.ts';
import { astring, text } from '../protocol/response.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

const DELIMITER = `"${MAILBOX_DELIMITER}"`;

/** INBOX as the first level of a pattern matches case-insensitively, as the name itself does. */
function canonicalPattern(pattern: string): string {
  const first = pattern.split(MAILBOX_DELIMITER, 1)[0]!;
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + pattern.slice(first.length) : pattern;
}

export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = canonicalPattern(reference + pattern);
  const source = [...full]
    .map((ch) => (ch === '*' ? '.*' : ch === '%' ? `[^${MAILBOX_DELIMITER}]*` : ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 'su');
  return (name) => re.test(name);
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
    const hasChildren = (name: string) => boxes.some((b) => b.name.startsWith(name + MAILBOX_DELIMITER));
    const matches = patternMatcher(reference, pattern);
    const names = command.name === 'LIST' ? boxes.map((b) => b.name) : await session.store.listSubscriptions(session.user.id);
    for (const name of names.filter(matches).sort(byName)) {
      const box = byBoxName.get(name);
      const attributes: string[] = [];
      if (!box) attributes.push('\\Noselect');
      else {
        attributes.push(hasChildren(name) ? '\\HasChildren' : '\\HasNoChildren');
        if (box.specialUse) attributes.push(box.specialUse);
      }
      await session.untagged(Buffer.concat([text(`${command.name} (${attributes.join(' ')}) ${DELIMITER} `), astring(encodeMailboxName(name))]));
    }
    return { text: `${command.name} completed` };
  },
};
