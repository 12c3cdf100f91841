// One DKIM-Signature field, made synchronously from mailauth 4.x's own parts (its header parser, its
// relaxed body hash and header canonicalization, its field formatter), with From oversigned: `h=` lists
// From once more than the message has, so a From added after signing breaks the signature (RFC 6376
// section 8.15). mailauth's dkimSign cannot oversign, and is asynchronous; a bounce is built inside the
// store's transaction, where only synchronous work fits.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { DkimKey } from '../store/dkim-key-store.ts';

interface ParsedHeader {
  key: string;
  casedKey: string;
  line: Buffer;
}
interface SigningLines {
  keys: string;
  headers: ParsedHeader[];
}

// mailauth ships no types for these internals; the shapes used are declared above.
const require = createRequire(import.meta.url);
const tools = require('mailauth/lib/tools.js') as {
  parseHeaders(buf: Buffer): { parsed: ParsedHeader[] };
  getSigningHeaderLines(parsed: ParsedHeader[], fieldNames: string): SigningLines;
  formatSignatureHeaderLine(type: 'DKIM', values: Record<string, unknown>, folded: boolean): string;
};
const { dkimBody } = require('mailauth/lib/dkim/body/index.js') as {
  dkimBody(canonicalization: string, algorithm: string, maxBodyLength: false): { update(chunk: Buffer): void; digest(encoding: 'base64'): string };
};
const { generateCanonicalizedHeader } = require('mailauth/lib/dkim/header/index.js') as {
  generateCanonicalizedHeader(type: 'DKIM', lines: SigningLines, options: Record<string, unknown>): { canonicalizedHeader: Buffer; dkimHeaderOpts: Record<string, unknown> };
};

/**
 * The fields signed, when present; From is always listed once more than it occurs (oversigned), so its
 * header list gets `From` even when a message has none.
 */
export const SIGNED_FIELDS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:Content-Description:In-Reply-To:References:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

/** The DKIM-Signature field (folded, ending in CRLF) for `message` with `key`, relaxed/relaxed. Throws on a broken key. */
export function dkimSignature(message: Buffer, key: Pick<DkimKey, 'domain' | 'selector' | 'algorithm' | 'privateKeyPem'>, now: Date): string {
  const end = message.indexOf('\r\n\r\n');
  const head = end < 0 ? message : message.subarray(0, end + 2);
  const body = end < 0 ? Buffer.alloc(0) : message.subarray(end + 4);

  const hasher = dkimBody('relaxed', 'sha256', false);
  hasher.update(body);
  const bodyHash = hasher.digest('base64');

  const lines = tools.getSigningHeaderLines(tools.parseHeaders(head).parsed, SIGNED_FIELDS);
  // The signer lists fields bottom-up; a verifier takes the next From upwards for each From in h=. One more
  // From after the topmost one finds none and hashes as empty (RFC 6376 5.4.2): nothing is added to the
  // canonical header, only to h=.
  lines.keys = lines.keys ? `${lines.keys}: From` : 'From';

  const algorithm = key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
  const { canonicalizedHeader, dkimHeaderOpts } = generateCanonicalizedHeader('DKIM', lines, {
    signingDomain: key.domain,
    selector: key.selector,
    algorithm,
    canonicalization: 'relaxed/relaxed',
    bodyHash,
    signTime: now,
  });
  const privateKey = crypto.createPrivateKey(key.privateKeyPem);
  // ed25519-sha256 (RFC 8463 section 3): the key signs the SHA-256 of the canonical header, not the header.
  const signature = key.algorithm === 'rsa' ? crypto.sign('sha256', canonicalizedHeader, privateKey) : crypto.sign(null, crypto.createHash('sha256').update(canonicalizedHeader).digest(), privateKey);
  return `${tools.formatSignatureHeaderLine('DKIM', { ...dkimHeaderOpts, b: signature.toString('base64') }, true)}\r\n`;
}
