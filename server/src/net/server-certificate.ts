// The certificate every listener presents, re-read when its files change, so a renewed certificate
// (certbot, a Kubernetes secret) is served without a restart. New connections get the new one; sessions
// already encrypted keep theirs.
//
// The files are looked at when a connection needs TLS (a STARTTLS, or an implicit TLS connect), at most
// once per CHECK_INTERVAL_MS: a stat of two files, nothing when unchanged. A change is seen by the
// files' inode, size and modification time, so both a rename over the old file and an edit in place
// count. A pair that does not load (a key for another certificate, half a renewal written) is logged
// once and the previous pair stays in use until the files change again.
import fs from 'node:fs';
import tls from 'node:tls';
import type { Log as Logger } from '../telemetry/log.ts';
import type { TlsMaterial } from './tls-material.ts';

/** RFC 8996 retired TLS 1.0 and 1.1; RFC 9325 asks for 1.2 at least. Every listener and STARTTLS. */
export const TLS_MIN_VERSION: tls.SecureVersion = 'TLSv1.2';
const CHECK_INTERVAL_MS = 1000;

export class ServerCertificate {
  private current: TlsMaterial;
  private secureContext: tls.SecureContext;
  private signature: string;
  /** The signature of files that failed to load: not tried (nor logged) again until they change. */
  private failedSignature: string | null = null;
  private checkedAt: number;

  constructor(
    material: TlsMaterial,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.current = material;
    this.secureContext = createContext(material);
    this.signature = signatureOf(material);
    this.checkedAt = now();
  }

  /** The pair in use (the configuration self-test reads its expiry and whether it is self-signed). */
  get material(): TlsMaterial {
    return this.current;
  }

  /** The context a new TLS connection should use, after looking whether the files changed. */
  context(): tls.SecureContext {
    this.refresh();
    return this.secureContext;
  }

  /** Re-reads the files if they changed since the last look (at most once per second); true when the pair in use changed. */
  refresh(): boolean {
    const now = this.now();
    if (now - this.checkedAt < CHECK_INTERVAL_MS) return false;
    this.checkedAt = now;
    const signature = signatureOf(this.current);
    if (signature === this.signature || signature === this.failedSignature) return false;
    try {
      const next: TlsMaterial = { ...this.current, cert: fs.readFileSync(this.current.certFile), key: fs.readFileSync(this.current.keyFile) };
      this.secureContext = createContext(next);
      this.current = next;
      this.signature = signature;
      this.failedSignature = null;
      this.log.info({ certFile: next.certFile }, 'TLS certificate reloaded: new connections get the new one');
      return true;
    } catch (err) {
      this.failedSignature = signature;
      this.log.warn(
        { certFile: this.current.certFile, keyFile: this.current.keyFile, err: (err as Error).message },
        'TLS certificate files changed but do not load; still serving the previous certificate',
      );
      return false;
    }
  }
}

/** A secure context for the pair, TLS 1.2 at least. */
export function createContext(material: Pick<TlsMaterial, 'key' | 'cert'>): tls.SecureContext {
  return tls.createSecureContext({ key: material.key, cert: material.cert, minVersion: TLS_MIN_VERSION });
}

function signatureOf(material: TlsMaterial): string {
  return [material.certFile, material.keyFile].map(statSignature).join('|');
}

function statSignature(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
