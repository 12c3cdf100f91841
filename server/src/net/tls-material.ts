// TLS material for every listener (STARTTLS and implicit TLS): the configured certificate, or a self-signed one generated once into the
// data directory and reused (the configuration self-test warns about it). A generated certificate that
// has expired or is about to is replaced, since nobody renews it by hand.
import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  selfSigned: boolean;
  certFile: string;
  keyFile: string;
}

const VALID_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export async function loadTls(config: Config): Promise<TlsMaterial> {
  const certFile = config['tls.cert_file'];
  const keyFile = config['tls.key_file'];
  if (certFile && keyFile) {
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), selfSigned: false, certFile, keyFile };
  }
  const generatedCert = dataPath(config, 'tls', 'self-signed.crt');
  const generatedKey = dataPath(config, 'tls', 'self-signed.key');
  if (!usable(generatedCert, generatedKey)) {
    const pems = await generate([{ name: 'commonName', value: config.hostname }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + VALID_DAYS * 24 * 3600 * 1000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }] }],
    });
    fs.mkdirSync(dataPath(config, 'tls'), { recursive: true, mode: 0o700 });
    // Each file through a rename, so a crash never leaves half a file; a crash between the two leaves a
    // pair that does not match, which the next start replaces.
    writeAtomically(generatedKey, pems.private, 0o600);
    writeAtomically(generatedCert, pems.cert, 0o644);
  }
  return { cert: fs.readFileSync(generatedCert), key: fs.readFileSync(generatedKey), selfSigned: true, certFile: generatedCert, keyFile: generatedKey };
}

/** The generated pair exists, belongs together and is valid for a while yet. */
function usable(certFile: string, keyFile: string): boolean {
  try {
    const cert = fs.readFileSync(certFile);
    tls.createSecureContext({ cert, key: fs.readFileSync(keyFile) });
    return new Date(new crypto.X509Certificate(cert).validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}
