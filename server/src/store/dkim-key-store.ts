// DKIM signing keys per domain (issue 18). Kept in the store so every node signs with the same keys. The
// private key is a secret: only the signer reads it (activeDkimKey); listings never carry it.

export type DkimAlgorithm = 'rsa' | 'ed25519';

export interface DkimKeyInfo {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** The p= value of the DNS record: base64 of the public key (SPKI DER for rsa, the raw 32 bytes for ed25519). */
  publicKey: string;
  createdAt: number;
  /** The one key of its domain that signs; older selectors stay published during a rotation. */
  active: boolean;
}

export interface DkimKey extends DkimKeyInfo {
  /** PKCS#8 PEM. Never logged, never returned by the admin API. */
  privateKeyPem: string;
}

export interface DkimKeyStore {
  /** Adds a key and makes it the active one of its domain; false when that domain already has the selector. */
  addDkimKey(key: DkimKey): Promise<boolean>;
  /** Removes one key; if it was active, the newest remaining key of the domain becomes active. */
  removeDkimKey(domain: string, selector: string): Promise<boolean>;
  /** Keys without their private part, by domain then age. */
  listDkimKeys(domain?: string): Promise<DkimKeyInfo[]>;
  activeDkimKey(domain: string): Promise<DkimKey | null>;
}
