// Signs outgoing mail with the active key of the From domain (dkim-signature.ts: mailauth's parts,
// relaxed/relaxed, From oversigned), and counts the outcome.
import type { DkimKey, DkimKeyStore } from '../store/dkim-key-store.ts';
import { dkimSignature } from './dkim-signature.ts';
import { DKIM_SIGNATURES } from './stats.ts';

export type SignResult = { kind: 'signed'; header: string; selector: string } | { kind: 'no_key' } | { kind: 'failed'; error: string };

/** The domain of the message's (first) From address, lower case; null when there is none. */
export function fromDomain(from: readonly string[]): string | null {
  const first = from[0];
  const at = first?.lastIndexOf('@') ?? -1;
  return first && at > 0 ? first.slice(at + 1).toLowerCase() : null;
}

/** Signs with a key already in hand (synchronous: bounces are built inside a store transaction); counted. */
export function signWithKey(message: Buffer, key: DkimKey | null, now = new Date()): SignResult {
  if (!key) {
    DKIM_SIGNATURES.no_key++;
    return { kind: 'no_key' };
  }
  try {
    const header = dkimSignature(message, key, now);
    DKIM_SIGNATURES.signed++;
    return { kind: 'signed', header, selector: key.selector };
  } catch (err) {
    DKIM_SIGNATURES.failed++;
    // The message only, never the key.
    return { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
  }
}

export class DkimSigner {
  constructor(private readonly keys: Pick<DkimKeyStore, 'activeDkimKey'>) {}

  /** The DKIM-Signature field (with CRLF) to put in front of `message`, or why there is none. */
  async sign(message: Buffer, domain: string | null): Promise<SignResult> {
    return signWithKey(message, domain === null ? null : await this.keys.activeDkimKey(domain));
  }

  /**
   * The key for mail from `hostname` (bounces: From MAILER-DAEMON@hostname): the active key of the host
   * name itself or of the nearest parent domain that has one (mx.example.test → example.test), which
   * DMARC's relaxed alignment accepts for the host name.
   */
  async hostKey(hostname: string): Promise<DkimKey | null> {
    const labels = hostname.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const key = await this.keys.activeDkimKey(labels.slice(i).join('.'));
      if (key) return key;
    }
    return null;
  }
}
