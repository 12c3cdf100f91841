// Implicit TLS (RFC 8314) with real clients, on the real `mailroom serve`: swaks --tlsc with AUTH on the
// submissions listener, Python's imaplib.IMAP4_SSL and poplib.POP3_SSL on IMAPS and POP3S (each listener
// switched on only by its environment variable, on ephemeral ports). TLS 1.1 is refused on every listener,
// STARTTLS included, by a client shown to speak TLS 1.1 to a server that allows it. A certificate file
// replaced while the server runs is served on the next connection, and a half-written renewal (a
// certificate without its key) is ignored until the key follows. Sessions count under their protocol,
// and per listener in mailroom_listener_sessions. One address cannot fill IMAPS with handshakes it never
// finishes.
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import net from 'node:net';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { freePort, waitForPort } from './helpers/ports.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'tls-test-admin-token-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HANDSHAKES_PER_ADDRESS = 8;

/** A fresh EC pair for the name, as PEM strings. */
async function newPair(name: string): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: name }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  return { cert: pems.cert, key: pems.private };
}
const fingerprintOf = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

/** Replaces a file the way renewal tools do: a new file renamed over the old one. */
function replaceFile(file: string, content: string): void {
  fs.writeFileSync(`${file}.new`, content);
  fs.renameSync(`${file}.new`, file);
}

/** Reads until the line matches; resolves with everything read. */
function readUntil(socket: net.Socket, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (pattern.test(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed before ${pattern}: ${text}`)));
  });
}

/**
 * Opens TLS to the port from the address `from` (after a plaintext STARTTLS exchange when given) with these client options; the
 * certificate's fingerprint and the protocol version, or the error the handshake ended with.
 */
async function handshake(
  port: number,
  options: tls.ConnectionOptions,
  starttls?: { greeting: RegExp; command: string; ready: RegExp },
  from = '127.0.0.1',
): Promise<{ fingerprint: string; version: string } | { error: string }> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  if (starttls) {
    await readUntil(socket, starttls.greeting);
    socket.write(starttls.command);
    await readUntil(socket, starttls.ready);
  }
  return new Promise((resolve) => {
    const secure = tls.connect({ socket, rejectUnauthorized: false, ...options }, () => {
      const result = { fingerprint: secure.getPeerX509Certificate()!.fingerprint256, version: secure.getProtocol() ?? '' };
      secure.destroy();
      resolve(result);
    });
    secure.once('error', (err) => {
      secure.destroy();
      resolve({ error: err.message });
    });
  });
}

// OpenSSL 3 allows TLS 1.0 and 1.1 only at security level 0: without it the client would not even offer 1.1.
const TLS11_CLIENT: tls.ConnectionOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };

describe('implicit TLS listeners (submissions, imaps, pop3s) and TLS 1.2 minimum', () => {
  let mr: MailroomProcess;
  let certDir: string;
  let certFile: string;
  let keyFile: string;
  let first: { cert: string; key: string };
  const ports = { submissions: 0, imaps: 0, pop3s: 0 };

  beforeAll(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-implicit-tls-'));
    certFile = path.join(certDir, 'cert.pem');
    keyFile = path.join(certDir, 'key.pem');
    first = await newPair('mail.first.test');
    fs.writeFileSync(certFile, first.cert);
    fs.writeFileSync(keyFile, first.key);
    for (const name of ['submissions', 'imaps', 'pop3s'] as const) ports[name] = await freePort();
    mr = await MailroomProcess.create({
      env: {
        MAILROOM_TLS_CERT_FILE: certFile,
        MAILROOM_TLS_KEY_FILE: keyFile,
        MAILROOM_SUBMISSIONS_PORT: String(ports.submissions),
        MAILROOM_IMAPS_PORT: String(ports.imaps),
        MAILROOM_POP3S_PORT: String(ports.pop3s),
        MAILROOM_ADMIN_TOKEN: ADMIN_TOKEN,
        // Also the bound on handshakes in progress per address on IMAPS and POP3S (the last test).
        MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: String(HANDSHAKES_PER_ADDRESS),
      },
    });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
    await mr.start();
    for (const port of Object.values(ports)) await waitForPort(port);
  });

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  it('lists each implicit TLS listener under its protocol in the admin API', async () => {
    const res = await mr.admin('/api/v1/server', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as { listeners: Array<{ name: string; protocol: string; port: number; tls: string }> };
    const byName = Object.fromEntries(body.listeners.map((l) => [l.name, l]));
    expect(byName.submissions).toMatchObject({ protocol: 'submission', port: ports.submissions, tls: 'implicit' });
    expect(byName.imaps).toMatchObject({ protocol: 'imap', port: ports.imaps, tls: 'implicit' });
    expect(byName.pop3s).toMatchObject({ protocol: 'pop3', port: ports.pop3s, tls: 'implicit' });
    expect(byName.imap).toMatchObject({ protocol: 'imap', tls: 'starttls' });
  });

  it('takes a message from swaks --tlsc with AUTH on submissions, and refuses AUTH-less relaying there', async () => {
    if (!requireCommand('swaks', 'SMTP client with implicit TLS')) return;
    const { stdout } = await run(
      'swaks',
      [
        '--server',
        `127.0.0.1:${ports.submissions}`,
        '--tlsc',
        '--auth',
        'PLAIN',
        '--auth-user',
        'alice@example.test',
        '--auth-password',
        'alice-secret',
        '--from',
        'alice@example.test',
        '--to',
        'alice@example.test',
        '--header',
        'Subject: swaks over implicit tls',
        '--body',
        'hi',
      ],
      { timeout: 30_000 },
    );
    expect(stdout).toMatch(/=== TLS started with cipher /);
    expect(stdout).toMatch(/<~ {2}220 /);
    expect(stdout).not.toMatch(/STARTTLS/);
    expect(stdout).toMatch(/<~ {2}235 /);
    expect(stdout).toMatch(/<~ {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.some((x) => x.content.includes('swaks over implicit tls')),
      10_000,
      'swaks delivery',
    );
    expect(mail.find((x) => x.content.includes('swaks over implicit tls'))!.content).toMatch(/with ESMTPSA id /);

    // Submission rules: no AUTH, no mail (a swaks exit code other than 0 is expected).
    const refused = await run('swaks', ['--server', `127.0.0.1:${ports.submissions}`, '--tlsc', '--from', 'alice@example.test', '--to', 'someone@remote.test'], { timeout: 30_000 }).catch(
      (err: { stdout: string }) => err,
    );
    expect(refused.stdout).toMatch(/<~\*? {1,2}530 /);
  });

  it('serves IMAP to imaplib.IMAP4_SSL and POP3 to poplib.POP3_SSL, with no STARTTLS offered', async () => {
    const out = await python(
      `
import imaplib, poplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['IMAPS']), ssl_context=ctx, timeout=10)
print('imap version', m.sock.version())
print('imap starttls offered', 'STARTTLS' in m.capabilities)
print('imap login', m.login('alice@example.test', 'alice-secret')[0])
typ, data = m.select('INBOX')
print('imap select', typ, int(data[0]) >= 1)
typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
print('imap subject', data[0][1].decode().strip())
m.logout()
p = poplib.POP3_SSL('127.0.0.1', int(os.environ['POP3S']), context=ctx, timeout=10)
print('pop3 version', p.sock.version())
print('pop3 stls offered', 'STLS' in p.capa())
p.user('alice@example.test'); print('pop3 pass', p.pass_('alice-secret').decode().split()[0])
count, size = p.stat(); print('pop3 stat', count >= 1)
p.quit()
`,
      { IMAPS: String(ports.imaps), POP3S: String(ports.pop3s) },
    );
    expect(out).toMatch(/^imap version TLSv1\.[23]$/m);
    expect(out).toContain('imap starttls offered False');
    expect(out).toContain('imap login OK');
    expect(out).toContain('imap select OK True');
    expect(out).toContain('imap subject Subject: swaks over implicit tls');
    expect(out).toMatch(/^pop3 version TLSv1\.[23]$/m);
    expect(out).toContain('pop3 stls offered False');
    expect(out).toContain('pop3 pass +OK');
    expect(out).toContain('pop3 stat True');
  });

  it('counts implicit TLS sessions under their protocol and per listener', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: ports.imaps, rejectUnauthorized: false });
    await readUntil(socket, /^\* OK /m);
    const metrics = await waitFor(
      async () => (await mr.admin('/metrics')).text(),
      (text) => /^mailroom_listener_sessions\{listener="imaps"\} 1$/m.test(text),
      10_000,
      'the IMAPS session in /metrics',
    );
    expect(metrics).toMatch(/^mailroom_sessions\{protocol="imap"\} 1$/m);
    expect(metrics).toMatch(/^mailroom_listener_sessions\{listener="imap"\} 0$/m);
    socket.destroy();
  });

  it('refuses TLS 1.1 on every listener, STARTTLS included, from a client that speaks it', async () => {
    // The control: this client completes a TLS 1.1 handshake with a server that allows 1.1.
    const permissive = tls.createServer({ key: first.key, cert: first.cert, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (s) => s.end());
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', () => resolve()));
    const control = await handshake((permissive.address() as net.AddressInfo).port, TLS11_CLIENT);
    permissive.close();
    expect(control).toMatchObject({ version: 'TLSv1.1' });

    for (const port of Object.values(ports)) {
      const refused = await handshake(port, TLS11_CLIENT);
      expect(refused, `port ${port}`).toHaveProperty('error');
      expect((refused as { error: string }).error).toMatch(/protocol version|unsupported protocol|no protocols available/i);
      expect(await handshake(port, { minVersion: 'TLSv1.2' })).toMatchObject({ version: expect.stringMatching(/^TLSv1\.[23]$/) });
    }
    const starttls = [
      { port: mr.ports.submission, greeting: /^220 .*\r\n/m, command: 'STARTTLS\r\n', ready: /^220 .*\r\n/m },
      { port: mr.ports.smtp, greeting: /^220 .*\r\n/m, command: 'STARTTLS\r\n', ready: /^220 .*\r\n/m },
      { port: mr.ports.imap, greeting: /^\* OK .*\r\n/m, command: 'a STARTTLS\r\n', ready: /^a OK .*\r\n/m },
      { port: mr.ports.pop3, greeting: /^\+OK .*\r\n/m, command: 'STLS\r\n', ready: /^\+OK .*\r\n/m },
    ];
    for (const { port, ...dialogue } of starttls) {
      const refused = await handshake(port, TLS11_CLIENT, dialogue);
      expect(refused, `STARTTLS on port ${port}`).toHaveProperty('error');
    }
  });

  it('serves a replaced certificate on the next connection, and keeps the old one while the key does not match', async () => {
    const fp = fingerprintOf(first.cert);
    expect(await handshake(ports.imaps, {})).toMatchObject({ fingerprint: fp });
    const second = await newPair('mail.second.test');
    // Half a renewal: the new certificate without its key. The pair does not load; the old one stays.
    replaceFile(certFile, second.cert);
    // The files are looked at at most once a second.
    await sleep(1_100);
    expect(await handshake(ports.imaps, {})).toMatchObject({ fingerprint: fp });
    expect(await handshake(ports.submissions, {})).toMatchObject({ fingerprint: fp });
    replaceFile(keyFile, second.key);
    await sleep(1_100);
    const fp2 = fingerprintOf(second.cert);
    // The next connection of each kind: implicit TLS on the three listeners, and STARTTLS on SMTP and IMAP.
    expect(await handshake(ports.submissions, {})).toMatchObject({ fingerprint: fp2 });
    expect(await handshake(ports.imaps, {})).toMatchObject({ fingerprint: fp2 });
    expect(await handshake(ports.pop3s, {})).toMatchObject({ fingerprint: fp2 });
    expect(await handshake(mr.ports.smtp, {}, { greeting: /^220 .*\r\n/m, command: 'STARTTLS\r\n', ready: /^220 .*\r\n/m })).toMatchObject({ fingerprint: fp2 });
    expect(await handshake(mr.ports.imap, {}, { greeting: /^\* OK .*\r\n/m, command: 'a STARTTLS\r\n', ready: /^a OK .*\r\n/m })).toMatchObject({ fingerprint: fp2 });
    expect(mr.output).toMatch(/do not load; still serving the previous certificate/);
    expect(mr.output).toMatch(/TLS certificate reloaded/);
  });

  it('closes handshakes from an address past limits.max_unauthenticated_per_ip while other addresses get in', async () => {
    // Connections that never send a ClientHello: each holds a handshake slot until its 30 s deadline.
    const silent: net.Socket[] = [];
    for (let i = 0; i < HANDSHAKES_PER_ADDRESS; i++) {
      const s = net.connect(ports.imaps, '127.0.0.1');
      await new Promise((resolve) => s.once('connect', resolve));
      silent.push(s);
    }
    // The listener accepts in order, so this one arrives with all of them in progress. Without the limit
    // it would wait for a ClientHello for 30 s; the 10 s here only keeps a failure from hanging.
    const extra = net.connect(ports.imaps, '127.0.0.1');
    extra.on('error', () => undefined);
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('still open after 10 s'), 10_000);
      extra.on('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
    });
    extra.destroy();
    expect(outcome).toBe('closed');
    const metrics = await (await mr.admin('/metrics')).text();
    expect(Number(/^mailroom_connection_limit_hits_total\{protocol="imap",limit="unauthenticated_per_ip"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    // Another address is not affected.
    expect(await handshake(ports.imaps, {}, undefined, '127.0.0.2')).toHaveProperty('fingerprint');
    for (const s of silent) s.destroy();
    // Once they are gone, the address gets in again.
    const back = await waitFor(
      () => handshake(ports.imaps, {}),
      (r) => 'fingerprint' in r,
      10_000,
      'a handshake from 127.0.0.1 after the silent ones left',
    );
    expect(back).toHaveProperty('fingerprint');
  });
});
