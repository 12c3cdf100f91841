// New DKIM key pairs and the DNS TXT record that publishes one (RFC 6376 section 3.6.1, RFC 8463).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { DkimAlgorithm, DkimKey, DkimKeyInfo } from '../store/dkim-key-store.ts';

export const DEFAULT_RSA_BITS = 2048;
/** Below 1024 bits receivers ignore the signature (RFC 8301); above 4096 the record no longer fits DNS comfortably. */
export const RSA_BITS_RANGE = { min: 1024, max: 4096 } as const;

/** Selectors and domains are DNS labels; anything else cannot be published. */
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function isValidSelector(selector: string): boolean {
  return selector.length <= 253 && SELECTOR.test(selector);
}

/** The default selector names the month it was made, so a rotation gets a new one: `mr202612`. */
export function defaultSelector(now: Date): string {
  return `mr${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

function publicKeyValue(algorithm: DkimAlgorithm, publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  // RFC 8463 section 4.2: an ed25519 p= is the bare 32-byte key, not the SPKI structure around it.
  return (algorithm === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
}

export function generateDkimKey(domain: string, selector: string, algorithm: DkimAlgorithm, bits: number, now: number): DkimKey {
  const pair = algorithm === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ed25519');
  return {
    domain,
    selector,
    algorithm,
    publicKey: publicKeyValue(algorithm, pair.publicKey),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt: now,
    active: true,
  };
}

export interface DnsRecord {
  /** The owner name, fully qualified: `selector._domainkey.domain.` */
  name: string;
  type: 'TXT';
  value: string;
}

export function dnsRecord(key: Pick<DkimKeyInfo, 'domain' | 'selector' | 'algorithm' | 'publicKey'>): DnsRecord {
  return { name: `${key.selector}._domainkey.${key.domain}.`, type: 'TXT', value: `v=DKIM1; k=${key.algorithm}; p=${key.publicKey}` };
}

/** The record as a zone-file line; values over 255 bytes are split into quoted strings (RFC 1035 character-strings). */
export function zoneLine(record: DnsRecord): string {
  const parts = record.value.match(/.{1,255}/g) ?? [];
  return `${record.name} IN TXT ${parts.map((p) => `"${p}"`).join(' ')}`;
}
