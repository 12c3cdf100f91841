// STARTTLS with real clients (Python ssl, swaks, curl): a configured certificate is the one served; without
// one, a self-signed certificate is generated once into data_dir/tls and served again after a restart.
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);

/** SHA-256 of the certificate the server presents after STARTTLS, as lower-case hex. */
async function servedFingerprint(port: number): Promise<string> {
  const out = await python(
    `
import smtplib, ssl, os, hashlib
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.starttls(context=ctx)
print('fingerprint', hashlib.sha256(s.sock.getpeercert(binary_form=True)).hexdigest())
print('version', s.sock.version())
s.quit()
`,
    { PORT: String(port) },
  );
  const m = /^fingerprint ([0-9a-f]{64})$/m.exec(out);
  if (!m) throw new Error(`no fingerprint in ${out}`);
  return m[1]!;
}

const fingerprintOf = (pem: string | Buffer) => new crypto.X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();

describe('with a configured certificate (tls.cert_file / tls.key_file)', () => {
  let mr: MailroomProcess;
  let certDir: string;

  beforeAll(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cert-'));
    // An EC key, unlike the RSA one Mailroom generates for itself, so the two cannot be confused.
    const pems = await generate([{ name: 'commonName', value: 'mail.configured.test' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    fs.writeFileSync(path.join(certDir, 'cert.pem'), pems.cert);
    fs.writeFileSync(path.join(certDir, 'key.pem'), pems.private);
    mr = await MailroomProcess.create({
      env: { MAILROOM_TLS_CERT_FILE: path.join(certDir, 'cert.pem'), MAILROOM_TLS_KEY_FILE: path.join(certDir, 'key.pem') },
    });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
    await mr.start();
  });

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  it('serves exactly that certificate on both listeners and generates none of its own', async () => {
    const expected = fingerprintOf(fs.readFileSync(path.join(certDir, 'cert.pem')));
    expect(await servedFingerprint(mr.ports.smtp)).toBe(expected);
    expect(await servedFingerprint(mr.ports.submission)).toBe(expected);
    expect(new crypto.X509Certificate(fs.readFileSync(path.join(certDir, 'cert.pem'))).publicKey.asymmetricKeyType).toBe('ec');
    expect(fs.existsSync(path.join(mr.dataDir, 'tls', 'self-signed.crt'))).toBe(false);
  });

  it('delivers over STARTTLS with swaks -tls on the MX listener', async () => {
    if (!requireCommand('swaks', 'SMTP client with STARTTLS')) return;
    const { stdout } = await run(
      'swaks',
      ['--server', `127.0.0.1:${mr.ports.smtp}`, '-tls', '--from', 'someone@remote.test', '--to', 'alice@example.test', '--header', 'Subject: swaks over tls', '--body', 'hi'],
      { timeout: 30_000 },
    );
    expect(stdout).toMatch(/<- {2}220 .*Ready to start TLS/);
    expect(stdout).toMatch(/=== TLS started with cipher /);
    expect(stdout).toMatch(/<~ {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.some((x) => x.content.includes('swaks over tls')),
      10_000,
      'swaks delivery',
    );
    expect(mail.find((x) => x.content.includes('swaks over tls'))!.content).toMatch(/with ESMTPS id /);
  });

  it('delivers with curl --ssl-reqd on submission with AUTH', async () => {
    if (!requireCommand('curl', 'SMTP client with STARTTLS')) return;
    const message = path.join(certDir, 'message.txt');
    fs.writeFileSync(message, 'From: alice@example.test\r\nTo: alice@example.test\r\nSubject: curl over tls\r\n\r\nhello from curl\r\n');
    const { stderr } = await run(
      'curl',
      [
        '-sS',
        '-v',
        '--ssl-reqd',
        '-k',
        `smtp://127.0.0.1:${mr.ports.submission}`,
        '--user',
        'alice@example.test:alice-secret',
        '--mail-from',
        'alice@example.test',
        '--mail-rcpt',
        'alice@example.test',
        '--upload-file',
        message,
      ],
      { timeout: 30_000 },
    );
    expect(stderr).toMatch(/STARTTLS/);
    expect(stderr).toMatch(/< 235 /);
    expect(stderr).toMatch(/< 250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.some((x) => x.content.includes('curl over tls')),
      10_000,
      'curl delivery',
    );
    expect(mail.find((x) => x.content.includes('curl over tls'))!.content).toMatch(/with ESMTPSA id /);
  });
});

describe('without a configured certificate', () => {
  let mr: MailroomProcess;

  beforeAll(async () => {
    mr = await MailroomProcess.create();
    await mr.start();
  });

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
  });

  it('generates a self-signed certificate into data_dir/tls, serves it, and serves the same one after a restart', async () => {
    const certFile = path.join(mr.dataDir, 'tls', 'self-signed.crt');
    const keyFile = path.join(mr.dataDir, 'tls', 'self-signed.key');
    const pem = fs.readFileSync(certFile);
    const cert = new crypto.X509Certificate(pem);
    expect(cert.subject).toContain('CN=mx.mailroom.test');
    expect(cert.subjectAltName).toContain('DNS:mx.mailroom.test');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const first = await servedFingerprint(mr.ports.submission);
    expect(first).toBe(fingerprintOf(pem));

    await mr.stop();
    await mr.start();
    expect(fs.readFileSync(certFile).equals(pem)).toBe(true);
    expect(await servedFingerprint(mr.ports.smtp)).toBe(first);
  });

  it('works with curl --ssl-reqd against the generated certificate', async () => {
    if (!requireCommand('curl', 'SMTP client with STARTTLS')) return;
    // An unknown local user gets 550 after a successful TLS handshake: TLS works, the rest is policy.
    const result = await run('curl', ['-sS', '-v', '--ssl-reqd', '-k', `smtp://127.0.0.1:${mr.ports.smtp}`, '--mail-from', 'a@remote.test', '--mail-rcpt', 'nobody@nowhere.test', '-T', '/dev/null'], {
      timeout: 30_000,
    }).catch((e: { stderr: string }) => e);
    expect(result.stderr).toMatch(/SSL connection using TLSv1\.[23]/);
    expect(result.stderr).toMatch(/< 554 5\.7\.1 /);
  });
});
