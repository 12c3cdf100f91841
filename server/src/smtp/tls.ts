// TLS material for STARTTLS: the configured certificate, or a self-signed one generated once into the
// data directory (the configuration self-test warns about it).
import fs from 'node:fs';
import { generate } from 'selfsigned';
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  selfSigned: boolean;
  certFile: string;
}

export async function loadTls(config: Config): Promise<TlsMaterial> {
  const certFile = config['tls.cert_file'];
  const keyFile = config['tls.key_file'];
  if (certFile && keyFile) {
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), selfSigned: false, certFile };
  }
  const generatedCert = dataPath(config, 'tls', 'self-signed.crt');
  const generatedKey = dataPath(config, 'tls', 'self-signed.key');
  if (!fs.existsSync(generatedCert) || !fs.existsSync(generatedKey)) {
    const pems = await generate([{ name: 'commonName', value: config.hostname }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }] }],
    });
    fs.mkdirSync(dataPath(config, 'tls'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(generatedKey, pems.private, { mode: 0o600 });
    fs.writeFileSync(generatedCert, pems.cert);
  }
  return { cert: fs.readFileSync(generatedCert), key: fs.readFileSync(generatedKey), selfSigned: true, certFile: generatedCert };
}
