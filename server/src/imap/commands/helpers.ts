// Small pieces several commands share: store errors as IMAP responses, flag checks, mailbox lookup.
import { MailboxError, SYSTEM_FLAGS } from '../../store/mailbox-store.ts';
import type { MailboxInfo } from '../../store/types.ts';
import { ImapError, bad, no } from '../errors.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import type { ImapContext } from './context.ts';

const CODES: Record<MailboxError['code'], string> = { exists: 'ALREADYEXISTS', not_found: 'NONEXISTENT', has_children: 'CANNOT', invalid: 'CANNOT', limit: 'LIMIT' };

/** Runs a store call, turning its MailboxError into NO with the RFC 5530 code. */
export async function mailboxCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MailboxError) throw new ImapError('NO', err.message, CODES[err.code]);
    throw err;
  }
}

/** The account's mailbox, or NO with the given code (NONEXISTENT, or TRYCREATE for COPY and APPEND). */
export async function findMailbox(session: ImapContext, name: string, code = 'NONEXISTENT'): Promise<MailboxInfo> {
  const box = await session.store.findMailbox(session.user.id, name);
  if (!box) throw no(`Mailbox ${JSON.stringify(name)} does not exist`, code);
  return box;
}

export function writable(session: ImapContext): SelectedMailbox {
  const selected = session.selected!;
  if (selected.readOnly) throw no('The mailbox is open read-only (EXAMINE)', 'READ-ONLY');
  return selected;
}

/**
 * System flags in their canonical spelling; \Recent dropped (the server alone sets it); unknown
 * backslash flags refused, since they would mean something the server does not do.
 */
export function storableFlags(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of flags) {
    if (f.startsWith('\\')) {
      if (f.toLowerCase() === '\\recent') continue;
      const system = SYSTEM_FLAGS.find((s) => s.toLowerCase() === f.toLowerCase());
      if (!system) throw bad(`Unknown system flag ${f}`);
      out.push(system);
    } else {
      out.push(f);
    }
  }
  return out;
}
