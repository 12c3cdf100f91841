// Signs outgoing mail with the active key of the From domain (mailauth 4.x's dkimSign), relaxed/relaxed.
import type { DKIMSignOptions } from 'mailauth';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import type { DkimKeyStore } from '../store/dkim-key-store.ts';
import { DKIM_SIGNATURES } from './stats.ts';

/**
 * The fields signed, when present. mailauth 4.x signs each occurrence it finds and cannot add an empty
 * one for From (oversigning); see docs/dkim.md.
 */
export const SIGNED_FIELDS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:Content-Description:In-Reply-To:References:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

export type SignResult = { kind: 'signed'; header: string; selector: string } | { kind: 'no_key' } | { kind: 'failed'; error: string };

/** The domain of the message's (first) From address, lower case; null when there is none. */
export function fromDomain(from: readonly string[]): string | null {
  const first = from[0];
  const at = first?.lastIndexOf('@') ?? -1;
  return first && at > 0 ? first.slice(at + 1).toLowerCase() : null;
}

export class DkimSigner {
  constructor(private readonly keys: Pick<DkimKeyStore, 'activeDkimKey'>) {}

  /** The DKIM-Signature field (with CRLF) to put in front of `message`, or why there is none. */
  async sign(message: Buffer, domain: string | null): Promise<SignResult> {
    const key = domain === null ? null : await this.keys.activeDkimKey(domain);
    if (!key) {
      DKIM_SIGNATURES.no_key++;
      return { kind: 'no_key' };
    }
    try {
      const signing = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem };
      // headerList is typed string[] but the signer reads a colon-separated string (lib/tools.js).
      const options = {
        ...signing,
        canonicalization: 'relaxed/relaxed',
        algorithm: key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
        signTime: new Date(),
        headerList: SIGNED_FIELDS,
        signatureData: [signing],
      };
      const result = await dkimSign(message, options as unknown as DKIMSignOptions);
      if (result.errors.length > 0 || !result.signatures.trim()) throw result.errors[0] ?? new Error('no signature made');
      DKIM_SIGNATURES.signed++;
      return { kind: 'signed', header: result.signatures, selector: key.selector };
    } catch (err) {
      DKIM_SIGNATURES.failed++;
      // The message only, never the key.
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }
}
