// RFC 5321 section 4.5.1: every local domain has a postmaster, and the bare "RCPT TO:<Postmaster>" must
// be accepted. An account or alias named postmaster@domain is used like any other recipient; when a local
// domain has none, and for the bare form, the `postmaster` setting names where the mail goes.
import type { DirectoryStore } from '../store/store.ts';
import { parseAddress } from '../util/address.ts';

export type PostmasterRoute =
  /** Not a postmaster address, or one the directory answers itself: decide as usual. */
  | { kind: 'ordinary' }
  /** Deliver to the configured postmaster address (the administrator chose it, so it may be remote). */
  | { kind: 'configured'; target: string }
  /** A postmaster address with nowhere to go: the `postmaster` setting is unset. */
  | { kind: 'unconfigured' };

export async function routePostmaster(recipient: string, directory: Pick<DirectoryStore, 'isLocalDomain' | 'findAccount' | 'findAlias'>, configured: string | undefined): Promise<PostmasterRoute> {
  if (recipient.toLowerCase() !== 'postmaster') {
    const parsed = parseAddress(recipient);
    if (!parsed || parsed.local.toLowerCase() !== 'postmaster') return { kind: 'ordinary' };
    if (!(await directory.isLocalDomain(parsed.domain))) return { kind: 'ordinary' };
    if ((await directory.findAccount(parsed.normalized)) || (await directory.findAlias(parsed.normalized))) return { kind: 'ordinary' };
  }
  return configured ? { kind: 'configured', target: configured } : { kind: 'unconfigured' };
}
