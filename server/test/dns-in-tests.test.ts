// Tests never use the system's resolvers (issue 14 item 7): every Mailroom a test starts asks a DNS server
// the test runs on loopback, and mail for remote domains reaches only local sinks. This file checks the
// helpers enforce it, that no test spawns a server around them, and that the running server really asks
// the loopback DNS server for MX routing, for the MX host's address and for a client's PTR name.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { assertLoopbackDns, emptyZoneDns, ptrName, TestDnsServer } from './helpers/dns-server.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { queueContents } from './helpers/queue.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

const TEST_DIR = path.dirname(fileURLToPath(import.meta.url));
const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(env: Record<string, string>): Promise<MailroomProcess> {
  const mr = await MailroomProcess.create({
    env: { MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600', MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200', MAILROOM_SERVER_SHUTDOWN_GRACE_SECONDS: '1', ...env },
  });
  cleanups.push(() => mr.cleanup());
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await mr.start();
  cleanups.push(() => mr.stop());
  return mr;
}

async function submit(mr: MailroomProcess, to: string, subject: string): Promise<string> {
  const result = await sendMail({
    port: mr.ports.submission,
    from: ALICE.user,
    to: [to],
    auth: ALICE,
    content: message({ from: ALICE.user, to: [to], subject, messageId: `${subject.replace(/\W+/g, '-')}@example.test` }),
  });
  return result.queueId;
}

describe('the helpers never let a test server use the system resolvers', () => {
  it('MailroomProcess points MAILROOM_DNS_SERVERS at a loopback DNS server, and refuses to start without one', async () => {
    const mr = await MailroomProcess.create();
    cleanups.push(() => mr.cleanup());
    expect(mr.env.MAILROOM_DNS_SERVERS).toBe((await emptyZoneDns()).address);
    delete mr.env.MAILROOM_DNS_SERVERS;
    await expect(mr.start()).rejects.toThrow(/system's DNS resolvers/);
    expect(mr.child).toBeNull();
  });

  it('only loopback servers pass the check', () => {
    expect(() => assertLoopbackDns({ MAILROOM_DNS_SERVERS: '127.0.0.1:5353, [::1]:53' })).not.toThrow();
    for (const bad of [undefined, '', '192.0.2.53', '127.0.0.1:5353,8.8.8.8']) expect(() => assertLoopbackDns({ MAILROOM_DNS_SERVERS: bad })).toThrow(/system's DNS resolvers/);
  });

  it('no test file spawns `mailroom serve` without a loopback DNS server', () => {
    const offenders: string[] = [];
    for (const file of fs.readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.ts'))) {
      const text = fs.readFileSync(path.join(TEST_DIR, file), 'utf8');
      const spawnsServe = /spawn\([^)]*'serve'/.test(text);
      // Either the environment of a MailroomProcess (which has one) or its own loopback DNS server.
      if (spawnsServe && !/\.\.\.\w+\.env\b/.test(text) && !text.includes('MAILROOM_DNS_SERVERS')) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

describe('the running server asks the loopback DNS server', () => {
  it('looks up the MX of a remote domain there, and bounces a domain that does not exist', async () => {
    const dns = await emptyZoneDns();
    const mr = await started({});
    const id = await submit(mr, 'bob@nowhere-at-all.test', 'to a missing domain');
    // A bounced message leaves the queue; its report comes back to the sender.
    const [dsn] = await waitFor(
      () => mailboxContents(mr.dataDir, ALICE.user).filter((m) => m.content.includes(`X-Mailroom-Queue-ID: ${id}`)),
      (m) => m.length === 1,
      15_000,
      'the bounce report',
    );
    expect(dsn!.content).toContain('domain nowhere-at-all.test does not exist');
    expect(dns.asked('nowhere-at-all.test', 'MX').length).toBeGreaterThan(0);
  });

  it('defers (never bounces) while the DNS server does not answer', async () => {
    const dns = await TestDnsServer.start({});
    cleanups.push(() => dns.close());
    dns.mode = 'silent';
    const mr = await started({ MAILROOM_DNS_SERVERS: dns.address, MAILROOM_DNS_TIMEOUT_MS: '500' });
    const id = await submit(mr, 'bob@slow-dns.test', 'dns silent');
    const [recipient] = await waitFor(
      () => queueContents(mr.dataDir).find((m) => m.id === id)?.recipients ?? [],
      (r) => r[0]?.state === 'deferred',
      15_000,
      'the recipient to be deferred',
    );
    expect(recipient!.lastError).toMatch(/^DNS: DNS MX slow-dns\.test: no answer in time/);
    expect(dns.asked('slow-dns.test', 'MX').length).toBeGreaterThan(0);
  });

  it('delivers to the MX host the zone names, at the address the zone gives, into a local sink on port 25', async () => {
    // A loopback address of its own, so port 25 is free whatever else runs on this machine.
    const mxAddress = `127.25.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
    let sink: SmtpSink;
    try {
      sink = await SmtpSink.start({ host: mxAddress, port: 25 });
    } catch (err) {
      const why = `cannot listen on ${mxAddress}:25 for an MX sink (needs root): ${(err as Error).message}`;
      if (process.env.CI === 'true') throw new Error(`CI: ${why}`);
      console.warn(`SKIPPED: ${why}`);
      return;
    }
    cleanups.push(() => sink.close());
    const dns = await TestDnsServer.start({
      'remote-mx.test': { MX: [{ exchange: 'mx.remote-mx.test', priority: 10 }] },
      'mx.remote-mx.test': { A: [mxAddress] },
      [ptrName('127.0.0.1')]: { PTR: ['client.ptr.test'] },
    });
    cleanups.push(() => dns.close());
    const mr = await started({ MAILROOM_DNS_SERVERS: dns.address, MAILROOM_SMTP_REVERSE_DNS: 'true' });
    await submit(mr, 'carol@remote-mx.test', 'through the MX');
    const [got] = await waitFor(
      () => sink.received.filter((m) => m.content.includes('Subject: through the MX')),
      (m) => m.length === 1,
      15_000,
      'the MX sink to receive it',
    );
    expect(got!.rcptTo).toEqual(['carol@remote-mx.test']);
    expect(dns.asked('remote-mx.test', 'MX')).toHaveLength(1);
    expect(dns.asked('mx.remote-mx.test', 'A')).toHaveLength(1);
    // smtp.reverse_dns: the client's PTR name came from the same server, into the Received header.
    expect(dns.asked(ptrName('127.0.0.1'), 'PTR').length).toBeGreaterThan(0);
    expect(got!.content).toContain('(client.ptr.test [127.0.0.1])');
  });
});
