// DKIM, the rest of issue 18 item 1: From is oversigned (h= lists From once more than the message has, so
// a second From added after signing breaks the signature), and the bounces Mailroom writes for another
// server are signed with the key of its host name's domain. Each signature, rsa and ed25519, is verified
// twice: by Debian's python3-dkim and by mailauth asking the test DNS server for the printed record.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver } from '../src/dns/resolver.ts';
import { TestDnsServer } from './helpers/dns-server.ts';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

const run = promisify(execFile);
const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** python3-dkim's verify, its DNS answered with the records the CLI printed. Prints True or False. */
const VERIFY = `
import json, os, sys, dkim
records = {k.rstrip('.').encode(): v.encode() for k, v in json.loads(os.environ['RECORDS']).items()}
def dnsfunc(qname, timeout=5):
    return records.get(qname.rstrip(b'.'))
print(dkim.verify(sys.stdin.buffer.read(), dnsfunc=dnsfunc))
`;

let dns: TestDnsServer;
let sink: SmtpSink;
let mr: MailroomProcess;
let available = false;
const records: Record<string, string> = {};

async function pythonVerifies(content: string): Promise<boolean> {
  const child = execFile(PYTHON, ['-c', VERIFY], { env: { ...process.env, RECORDS: JSON.stringify(records) }, timeout: 30_000 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`dkimpy exited ${code}: ${err}`))));
  });
  child.stdin!.end(content);
  const answer = await output;
  if (answer !== 'True' && answer !== 'False') throw new Error(`dkimpy said ${answer}`);
  return answer === 'True';
}

/** mailauth's verdict on the (first) signature, its key looked up in the test DNS server through Mailroom's resolver. */
async function mailauthResult(content: string): Promise<string> {
  const resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 2000 });
  const result = await dkimVerify(Buffer.from(content), { resolver: (name: string, type: string) => resolver.resolve(name, type) as Promise<string[][]> } as never);
  return result.results[0]?.status.result ?? 'none';
}

/** Generates a key with the CLI and serves the record it printed. */
async function generate(domain: string, selector: string, algorithm: 'rsa' | 'ed25519'): Promise<void> {
  const out = await mr.cli('dkim', 'generate', domain, '--selector', selector, '--algorithm', algorithm);
  const line = out.split('\n').find((l) => l.includes('._domainkey.'))!;
  const name = line.split(' ')[0]!.replace(/\.$/, '');
  const value = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
  records[name] = value;
  dns.zone = { ...dns.zone, [name]: { TXT: [value] } };
}

const signatureOf = (content: string) => content.match(/^DKIM-Signature:.*(?:\r\n[ \t].*)*/m)?.[0] ?? '';
const headerList = (signature: string) => (/\bh=([^;]+)/.exec(signature.replace(/\r\n[ \t]+/g, ''))?.[1] ?? '').split(':').map((h) => h.trim().toLowerCase());

beforeAll(async () => {
  try {
    await run(PYTHON, ['-c', 'import dkim, nacl']);
    available = true;
  } catch {
    if (process.env.CI === 'true') throw new Error('python3-dkim and python3-nacl are needed (scripts/install-system-deps.sh)');
    console.warn('SKIPPED: python3-dkim (with python3-nacl) is not installed');
    return;
  }
  dns = await TestDnsServer.start({});
  sink = await SmtpSink.start();
  // The bounce test: nobody@gone.test is refused by the far side, so its sender gets a DSN.
  sink.script('nobody@gone.test', { rcpt: { code: 550, message: '5.1.1 No such user' } });
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_DNS_SERVERS: dns.address,
      MAILROOM_RELAY: `127.0.0.1:${sink.port}`,
      MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200',
      // The test client relays from loopback as a trusted host would (an application server, say).
      MAILROOM_TRUSTED_NETWORKS: '127.0.0.1/32',
    },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('domain', 'add', 'mailroom.test'); // the host name mx.mailroom.test's domain: it signs bounces
  await mr.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await mr.start();
}, 90_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
  await dns?.close();
});

async function caught(text: string): Promise<string> {
  const [got] = await waitFor(
    () => sink.messagesWith(text),
    (m) => m.length === 1,
    20_000,
    `the sink to receive "${text}"`,
  );
  return got!.content;
}

describe.each(['rsa', 'ed25519'] as const)('DKIM with %s', (algorithm) => {
  it('oversigns From: h= lists it once more than present; both verifiers pass, and a From added after signing fails both', async () => {
    if (!available) return;
    await generate('example.test', `over-${algorithm}`, algorithm);
    const subject = `oversigned ${algorithm}`;
    const to = ['friend@remote.test'];
    const result = await sendMail({ port: mr.ports.submission, from: ALICE.user, to, auth: ALICE, content: message({ from: ALICE.user, to, subject, messageId: `over-${algorithm}@example.test` }) });
    expect(result.response).toMatch(/^250 /);
    const content = await caught(`Subject: ${subject}`);
    const signature = signatureOf(content);
    expect(signature).toContain(`s=over-${algorithm}`);
    expect(signature).toContain(`a=${algorithm}-sha256`);
    expect(headerList(signature).filter((h) => h === 'from')).toHaveLength(2);
    expect(content.match(/^From:/gim)).toHaveLength(1);
    expect(await pythonVerifies(content)).toBe(true);
    expect(await mailauthResult(content)).toBe('pass');

    // A second From put in front after signing (the attack oversigning stops).
    const end = content.indexOf('\r\n\r\n');
    const forged = `${content.slice(0, end)}\r\nFrom: <ceo@example.test>${content.slice(end)}`;
    expect(await pythonVerifies(forged)).toBe(false);
    expect(await mailauthResult(forged)).not.toBe('pass');
  });

  it('signs the bounce it sends to another server with the key of its host name domain', async () => {
    if (!available) return;
    await generate('mailroom.test', `dsn-${algorithm}`, algorithm);
    const subject = `bounced ${algorithm}`;
    const sender = `app-${algorithm}@remote.test`;
    const result = await sendMail({
      port: mr.ports.smtp,
      from: sender,
      to: ['nobody@gone.test'],
      content: message({ from: sender, to: ['nobody@gone.test'], subject, messageId: `dsn-${algorithm}@remote.test` }),
    });
    expect(result.response).toMatch(/^250 /);
    const [bounce] = await waitFor(
      () => sink.received.filter((m) => m.rcptTo.includes(sender) && m.content.includes(`Subject: ${subject}`)),
      (m) => m.length === 1,
      20_000,
      'the bounce at the sink',
    );
    expect(bounce!.mailFrom).toBe('');
    expect(bounce!.content).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.mailroom\.test>/m);
    const signature = signatureOf(bounce!.content);
    expect(signature).toContain('d=mailroom.test');
    expect(signature).toContain(`s=dsn-${algorithm}`);
    expect(await pythonVerifies(bounce!.content)).toBe(true);
    expect(await mailauthResult(bounce!.content)).toBe('pass');
    // Can fail: a changed report does not verify.
    const changed = bounce!.content.replace('Action: failed', 'Action: delivered');
    expect(await pythonVerifies(changed)).toBe(false);
  });
});
