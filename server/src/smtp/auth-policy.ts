// Who may authenticate, and as whom they may then send. Kept apart from the listener so the rules can be
// tested without a network: the test machine only has loopback, where TLS is not required.
import { isLoopback } from '../config/validators.ts';
import type { DirectoryStore } from '../store/store.ts';
import { parseAddress } from '../util/address.ts';

const MAX_ALIAS_DEPTH = 8;

/**
 * The account a session logged in as, or undefined. smtp-server leaves `session.user` undefined before
 * AUTH but sets it to false after STARTTLS (RFC 3207 4.2: forget what came before), so a check for
 * `!== undefined` would treat every client that said STARTTLS as authenticated, and let it relay.
 */
export function authenticatedUser(session: { user?: unknown }): string | undefined {
  return typeof session.user === 'string' && session.user !== '' ? session.user : undefined;
}

/**
 * PLAIN and LOGIN carry the password in the clear (RFC 4954 section 4), so off loopback they need TLS.
 * Loopback is exempt: the password never leaves the machine, and local tools rarely speak STARTTLS.
 */
export function authNeedsTls(session: { secure: boolean; remoteAddress: string }): boolean {
  return !session.secure && !isLoopback(session.remoteAddress);
}

/**
 * An authenticated user may send as their own address or as an alias that leads to it, so a stolen
 * password cannot be used to forge mail from every other user. The null sender is refused: bounces are
 * the server's job.
 */
export async function ownsSender(user: string, sender: string, directory: Pick<DirectoryStore, 'findAlias'>): Promise<boolean> {
  const parsed = parseAddress(sender);
  if (!parsed) return false;
  const owner = user.toLowerCase();
  let current = parsed.normalized;
  for (let depth = 0; depth <= MAX_ALIAS_DEPTH; depth++) {
    if (current.toLowerCase() === owner) return true;
    const alias = await directory.findAlias(current);
    if (!alias) return false;
    current = alias.target;
  }
  return false;
}
