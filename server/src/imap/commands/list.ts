// LIST and LSUB (RFC 3501 6.3.8, 6.3.9) with child attributes (RFC 3348), special-use attributes
// (RFC 6154), LIST-EXTENDED (RFC 5258: selection options, several patterns, RETURN options) and LIST-STATUS
// (RFC 5819). "*" matches across levels, "%" within one (list-pattern.ts). Child and special-use
// attributes are always sent, so RETURN (CHILDREN) and RETURN (SPECIAL-USE) change nothing.
import { MAILBOX_DELIMITER } from '../../store/mailbox-store.ts';
import type { MailboxInfo } from '../../store/types.ts';
import { patternMatcher } from '../list-pattern.ts';
import { mailboxToWire } from '../mailbox-name.ts';
import { astring, text } from '../protocol/response.ts';
import type { ImapContext } from './context.ts';
import { statusResponse } from './status.ts';
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

/** What one LIST response says about a name. */
interface Listed {
  name: string;
  attributes: string[];
  /** RFC 5258 CHILDINFO: a descendant is subscribed while not matching the pattern itself. */
  childInfo: boolean;
  box: MailboxInfo | undefined;
}

/**
 * LIST with RFC 5258 selection options: all mailboxes, or the subscribed names (\NonExistent when the
 * mailbox is gone), or those with a special use; RECURSIVEMATCH adds the parents of subscribed names that
 * do not match themselves, with CHILDINFO ("SUBSCRIBED").
 */
async function extendedList(session: ImapContext, command: CommandOf<'LIST'>, boxes: readonly MailboxInfo[], matches: (name: string) => boolean): Promise<Listed[]> {
  const { selection, returns } = command;
  const byBoxName = new Map<string, MailboxInfo>(boxes.map((b) => [b.name, b]));
  const parents = parentNames(boxes.map((b) => b.name));
  const bySubscription = selection.includes('SUBSCRIBED');
  const subscribed = bySubscription || returns.subscribed ? new Set(await session.store.listSubscriptions(session.user.id)) : new Set<string>();
  let names = bySubscription ? [...subscribed] : boxes.map((b) => b.name);
  if (selection.includes('SPECIAL-USE')) names = names.filter((n) => byBoxName.get(n)?.specialUse);
  const shown = new Set(await matching(names, matches));
  const childInfo = new Set<string>();
  if (bySubscription && selection.includes('RECURSIVEMATCH')) {
    for (const name of names) {
      if (shown.has(name)) continue;
      for (const parent of parentNames([name])) if (matches(parent)) childInfo.add(parent);
    }
  }
  const listed: Listed[] = [];
  for (const name of [...new Set([...shown, ...childInfo])].sort(byName)) {
    const box = byBoxName.get(name);
    const attributes: string[] = [];
    if (!box) attributes.push('\\NonExistent');
    else {
      attributes.push(parents.has(name) ? '\\HasChildren' : '\\HasNoChildren');
      if (box.specialUse) attributes.push(box.specialUse);
    }
    if (subscribed.has(name)) attributes.push('\\Subscribed');
    listed.push({ name, attributes, childInfo: childInfo.has(name), box });
  }
  return listed;
}

export const list: Handler<CommandOf<'LIST' | 'LSUB'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const { reference, patterns } = command;
    if (command.name === 'LIST' && patterns.length === 1 && patterns[0] === '' && command.selection.length === 0) {
      // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
      await session.untagged(`LIST (\\Noselect) ${DELIMITER} ""`);
      return { text: 'LIST completed' };
    }
    const boxes = await session.store.listMailboxes(session.user.id);
    const matchers = patterns.map((p) => patternMatcher(reference, p));
    const matches = (name: string) => matchers.some((m) => m(name));
    if (command.name === 'LIST') {
      const status = command.returns.status;
      for (const entry of await extendedList(session, command as CommandOf<'LIST'>, boxes, matches)) {
        const extra = entry.childInfo ? text(' ("CHILDINFO" ("SUBSCRIBED"))') : text('');
        await session.untagged(Buffer.concat([text(`LIST (${entry.attributes.join(' ')}) ${DELIMITER} `), astring(mailboxToWire(entry.name, session.utf8Names)), extra]));
        // LIST-STATUS (RFC 5819): right after the mailbox's LIST response, for mailboxes that can be selected.
        if (status && entry.box) {
          const line = await statusResponse(session, entry.box, status);
          if (line) await session.untagged(line);
        }
      }
      return { text: 'LIST completed' };
    }
    const byBoxName = new Map<string, MailboxInfo>(boxes.map((b) => [b.name, b]));
    const parents = parentNames(boxes.map((b) => b.name));
    const names = await session.store.listSubscriptions(session.user.id);
    const { names: shown, parentsOnly } = lsubNames(names, matches, await matching(names, matches));
    for (const name of shown.sort(byName)) {
      const box = byBoxName.get(name);
      const attributes: string[] = [];
      if (!box || parentsOnly.has(name)) attributes.push('\\Noselect');
      else {
        attributes.push(parents.has(name) ? '\\HasChildren' : '\\HasNoChildren');
        if (box.specialUse) attributes.push(box.specialUse);
      }
      await session.untagged(Buffer.concat([text(`LSUB (${attributes.join(' ')}) ${DELIMITER} `), astring(mailboxToWire(name, session.utf8Names))]));
    }
    return { text: 'LSUB completed' };
  },
};
