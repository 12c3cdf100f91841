// The generated certificate: made once, reused, and replaced when it is unusable or about to expire.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { loadTls } from './tls-material.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = () => loadConfig({ env: { MAILROOM_DATA_DIR: dir, MAILROOM_HOSTNAME: 'mx.tls.test' } });
const certPath = () => path.join(dir, 'tls', 'self-signed.crt');
const keyPath = () => path.join(dir, 'tls', 'self-signed.key');

describe('loadTls without a configured certificate', () => {
  it('generates a certificate for the host name once and then reuses it', async () => {
    const first = await loadTls(config());
    expect(first.selfSigned).toBe(true);
    expect(new crypto.X509Certificate(first.cert).subject).toBe('CN=mx.tls.test');
    expect(fs.statSync(keyPath()).mode & 0o777).toBe(0o600);
    const second = await loadTls(config());
    expect(second.cert.equals(first.cert)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'tls')).sort()).toEqual(['self-signed.crt', 'self-signed.key']);
  });

  it('replaces a pair that does not belong together', async () => {
    const first = await loadTls(config());
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(keyPath(), other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const second = await loadTls(config());
    expect(second.cert.equals(first.cert)).toBe(false);
  });

  it('replaces a certificate that expires within 30 days', async () => {
    fs.mkdirSync(path.join(dir, 'tls'));
    const soon = await generate([{ name: 'commonName', value: 'mx.tls.test' }], { notAfterDate: new Date(Date.now() + 5 * 24 * 3600 * 1000) });
    fs.writeFileSync(certPath(), soon.cert);
    fs.writeFileSync(keyPath(), soon.private);
    const material = await loadTls(config());
    expect(material.cert.toString()).not.toBe(soon.cert);
    expect(new Date(new crypto.X509Certificate(material.cert).validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);
  });
});
