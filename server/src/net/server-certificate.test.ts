// The certificate that follows its files: a renewal is picked up at the next look (at most once a second),
// and a pair that does not load keeps the previous one (not retried until a file changes again). TLS 1.2
// as the minimum is shown with real clients in server/test/tls-implicit.test.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../telemetry/log.ts';
import { ServerCertificate } from './server-certificate.ts';
import type { TlsMaterial } from './tls-material.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-servercert-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function pair(name: string) {
  const p = await generate([{ name: 'commonName', value: name }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  return { cert: p.cert, key: p.private };
}

function replace(file: string, content: string): void {
  fs.writeFileSync(`${file}.tmp`, content);
  fs.renameSync(`${file}.tmp`, file);
}

async function start(now: () => number): Promise<{ certificate: ServerCertificate; certFile: string; keyFile: string }> {
  const first = await pair('first.test');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(certFile, first.cert);
  fs.writeFileSync(keyFile, first.key);
  const material: TlsMaterial = { cert: Buffer.from(first.cert), key: Buffer.from(first.key), selfSigned: false, certFile, keyFile };
  return { certificate: new ServerCertificate(material, logger('application'), now), certFile, keyFile };
}

const subject = (c: ServerCertificate) => new crypto.X509Certificate(c.material.cert).subject;

describe('ServerCertificate', () => {
  it('picks up a renewed pair at the first look a second or more after the last', async () => {
    let now = 1_000_000;
    const { certificate, certFile, keyFile } = await start(() => now);
    const before = certificate.context();
    const second = await pair('second.test');
    replace(certFile, second.cert);
    replace(keyFile, second.key);
    now += 500;
    expect(certificate.refresh()).toBe(false);
    expect(subject(certificate)).toBe('CN=first.test');
    now += 500;
    expect(certificate.context()).not.toBe(before);
    expect(subject(certificate)).toBe('CN=second.test');
    // Unchanged files: the same context, nothing re-read.
    now += 5_000;
    const after = certificate.context();
    now += 5_000;
    expect(certificate.context()).toBe(after);
  });

  it('keeps the previous pair while the files do not belong together, until they do', async () => {
    let now = 1_000_000;
    const { certificate, certFile, keyFile } = await start(() => now);
    const second = await pair('second.test');
    replace(certFile, second.cert);
    now += 1_000;
    expect(certificate.refresh()).toBe(false);
    expect(subject(certificate)).toBe('CN=first.test');
    now += 1_000;
    expect(certificate.refresh()).toBe(false);
    replace(keyFile, second.key);
    now += 1_000;
    expect(certificate.refresh()).toBe(true);
    expect(subject(certificate)).toBe('CN=second.test');
  });
});
