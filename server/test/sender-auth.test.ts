// Incoming checks on the MX (smtp.sender_auth): SPF pass/fail/softfail, DKIM pass/fail, DMARC
// reject/quarantine/none, a DNS server that never answers, an SPF include loop and forged
// Authentication-Results, each against records served by a DNS server on loopback, with the real server
// (`mailroom serve`) and a real SMTP client. Each case checks the Authentication-Results line, where the
// message went, and mailroom_auth_checks_total.
import crypto from 'node:crypto';
import { dkimSign } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from './helpers/dns-server.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { sendMail } from './helpers/send.ts';

const RCPT = 'alice@example.test';
let dns: TestDnsServer;
let mr: MailroomProcess;
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_RECORD = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

beforeAll(async () => {
  dns = await TestDnsServer.start({
    'spf-pass.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    'spf-fail.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    'spf-soft.test': { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] },
    'signed.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    's1._domainkey.signed.test': { TXT: [DKIM_RECORD] },
    's1._domainkey.nodmarc-signed.test': { TXT: [DKIM_RECORD] },
    '_dmarc.signed.test': { TXT: ['v=DMARC1; p=reject'] },
    'dmarc-reject.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.dmarc-reject.test': { TXT: ['v=DMARC1; p=reject'] },
    'dmarc-quarantine.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.dmarc-quarantine.test': { TXT: ['v=DMARC1; p=quarantine'] },
    'dmarc-none.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.dmarc-none.test': { TXT: ['v=DMARC1; p=none'] },
    'loop.test': { TXT: ['v=spf1 include:loop2.test -all'] },
    'loop2.test': { TXT: ['v=spf1 include:loop.test -all'] },
    'silent.test': {},
    // CNAMEs that point at each other: every question about the domain gets a looping chain, no record.
    'cname-loop.test': { CNAME: 'cname-loop2.test' },
    'cname-loop2.test': { CNAME: 'cname-loop.test' },
    // SPF answers, the DKIM key lookup never does.
    'keysilent.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    // Eleven includes: the eleventh DNS-querying term passes RFC 7208's limit of 10 (section 4.6.4).
    'many.test': { TXT: [`v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:i${i}.many.test`).join(' ')} -all`] },
    ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`i${i}.many.test`, { TXT: ['v=spf1 ip4:192.0.2.1 -all'] }])),
    // An answer longer than 512 bytes: truncated over UDP, so the resolver must ask again over TCP.
    'long.test': { TXT: [`v=spf1 ${Array.from({ length: 40 }, (_, i) => `ip4:198.51.100.${i + 1}`).join(' ')} ip4:127.0.0.1 -all`] },
  });
  dns.misbehave.set('silent.test', 'silent');
  dns.misbehave.set('_dmarc.silent.test', 'silent');
  dns.misbehave.set('s1._domainkey.keysilent.test', 'silent');
  mr = await MailroomProcess.create({
    env: { MAILROOM_DNS_SERVERS: dns.address, MAILROOM_DNS_TIMEOUT_MS: '500', MAILROOM_SMTP_SENDER_AUTH: 'true', MAILROOM_SERVER_SHUTDOWN_GRACE_SECONDS: '1' },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', RCPT, '--password', 'alice-secret');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await dns?.close();
});

function plain(from: string, subject: string, extraHeaders = ''): string {
  return `${extraHeaders}From: <${from}>\r\nTo: <${RCPT}>\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello.\r\n`;
}

async function signed(from: string, subject: string): Promise<string> {
  const msg = plain(from, subject);
  const domain = from.slice(from.indexOf('@') + 1);
  // mailauth takes the keys as signatureData entries (its type declarations say otherwise).
  const options = { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: domain, selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }] };
  const { signatures } = await dkimSign(msg, options as unknown as Parameters<typeof dkimSign>[1]);
  expect(signatures).toMatch(/^DKIM-Signature: /);
  return signatures + msg;
}

/** Sends on the MX from 127.0.0.1 and returns the delivered copy (INBOX or Junk) with its folder. */
async function deliver(from: string, subject: string, content: string): Promise<{ folder: string; content: string; results: string }> {
  await sendMail({ port: mr.ports.smtp, from, to: [RCPT], content });
  const found = await waitFor(
    () => ['INBOX', 'Junk'].flatMap((folder) => mailboxContents(mr.dataDir, RCPT, folder).map((m) => ({ folder, content: m.content }))).filter((m) => m.content.includes(`Subject: ${subject}\r\n`)),
    (m) => m.length === 1,
    15_000,
    `"${subject}" to be delivered`,
  );
  const got = found[0]!;
  const results = /^Authentication-Results: [^\r\n]*(?:\r\n[ \t][^\r\n]*)*/m.exec(got.content)?.[0].replace(/\r\n[ \t]+/g, ' ') ?? '';
  return { ...got, results };
}

async function counter(method: string, result: string): Promise<number> {
  const text = await (await mr.admin('/metrics')).text();
  const m = new RegExp(`^mailroom_auth_checks_total\\{method="${method}",result="${result}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('SPF', () => {
  it.each([
    ['spf-pass.test', 'pass'],
    ['spf-fail.test', 'fail'],
    ['spf-soft.test', 'softfail'],
  ])('%s: spf=%s in Authentication-Results, counted, delivered to INBOX (no DMARC record)', async (domain, result) => {
    const before = await counter('spf', result);
    const got = await deliver(`bob@${domain}`, `spf ${domain}`, plain(`bob@${domain}`, `spf ${domain}`));
    expect(got.folder).toBe('INBOX');
    expect(got.results).toMatch(new RegExp(`^Authentication-Results: mx\\.mailroom\\.test;.* spf=${result} .*smtp\\.mailfrom=bob@${domain.replace(/\./g, '\\.')}`));
    expect(got.content).toMatch(new RegExp(`^Received-SPF: ${result}`, 'm'));
    // Our Received header stays first; the results follow it.
    expect(got.content.indexOf('Received: from client.test')).toBe(0);
    expect(got.content.indexOf('\r\nReceived-SPF: ')).toBeLessThan(got.content.indexOf('\r\nFrom: '));
    expect(await counter('spf', result)).toBe(before + 1);
  });

  it('an include loop is permerror (RFC 7208 4.6.4), and the mail still flows', async () => {
    const got = await deliver('bob@loop.test', 'spf loop', plain('bob@loop.test', 'spf loop'));
    expect(got.results).toContain('spf=permerror');
    expect(got.folder).toBe('INBOX');
  });
});

describe('SPF with answers that are too many or too long', () => {
  it('more than 10 DNS-querying terms is permerror (RFC 7208 4.6.4), and the mail still flows', async () => {
    const before = await counter('spf', 'permerror');
    const got = await deliver('bob@many.test', 'spf many', plain('bob@many.test', 'spf many'));
    expect(got.results).toContain('spf=permerror');
    expect(got.folder).toBe('INBOX');
    expect(await counter('spf', 'permerror')).toBe(before + 1);
    // It stopped at the limit: never asked for the eleventh include.
    expect(dns.queries.some((q) => q.name === 'i10.many.test')).toBe(false);
  });

  it('a record longer than a UDP answer is read again over TCP and evaluated (spf=pass)', async () => {
    const got = await deliver('bob@long.test', 'spf long', plain('bob@long.test', 'spf long'));
    expect(got.results).toContain('spf=pass');
    expect(dns.queries.filter((q) => q.name === 'long.test' && q.type === 'TXT').map((q) => q.transport)).toEqual(expect.arrayContaining(['udp', 'tcp']));
  });
});

describe('DKIM and DMARC', () => {
  it('a valid signature passes DKIM, and DMARC passes on it though SPF fails', async () => {
    const before = await counter('dkim', 'pass');
    const got = await deliver('bob@signed.test', 'dkim good', await signed('bob@signed.test', 'dkim good'));
    expect(got.results).toMatch(/dkim=pass .*header\.d=signed\.test/);
    expect(got.results).toContain('spf=fail');
    expect(got.results).toContain('dmarc=pass');
    expect(got.folder).toBe('INBOX');
    expect(await counter('dkim', 'pass')).toBe(before + 1);
  });

  it('a signed header changed after signing fails DKIM (dkim=fail, counted); a changed body is dkim=neutral', async () => {
    const before = await counter('dkim', 'fail');
    const header = (await signed('bob@nodmarc-signed.test', 'dkim header')).replace('Subject: dkim header', 'Subject: dkim header changed');
    const got = await deliver('bob@nodmarc-signed.test', 'dkim header changed', header);
    expect(got.results).toMatch(/dkim=fail \(bad signature\) header\.i=@nodmarc-signed\.test header\.s=s1/);
    expect(await counter('dkim', 'fail')).toBe(before + 1);
    const body = (await signed('bob@nodmarc-signed.test', 'dkim body')).replace('Hello.', 'Send money.');
    expect((await deliver('bob@nodmarc-signed.test', 'dkim body', body)).results).toMatch(/dkim=neutral \(body hash did not verify\)/);
  });

  it('with p=reject, a failed signature and no SPF pass refuse the message with 550 5.7.1', async () => {
    const content = (await signed('bob@signed.test', 'dkim tampered')).replace('Subject: dkim tampered', 'Subject: dkim tampered!');
    const err = (await sendMail({ port: mr.ports.smtp, from: 'bob@signed.test', to: [RCPT], content }).catch((e: unknown) => e)) as { responseCode?: number; response?: string };
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/^550 5\.7\.1 .*DMARC/);
  });

  it('DMARC p=reject without a passing check: 550 5.7.1, nothing delivered, counted', async () => {
    const before = await counter('dmarc', 'fail');
    const err = (await sendMail({ port: mr.ports.smtp, from: 'bob@dmarc-reject.test', to: [RCPT], content: plain('bob@dmarc-reject.test', 'dmarc reject') }).catch((e: unknown) => e)) as {
      responseCode?: number;
    };
    expect(err.responseCode).toBe(550);
    expect(mailboxContents(mr.dataDir, RCPT).filter((m) => m.content.includes('Subject: dmarc reject'))).toHaveLength(0);
    expect(await counter('dmarc', 'fail')).toBe(before + 1);
  });

  it('DMARC p=quarantine: delivered to Junk with dmarc=fail and the policy in the header, counted', async () => {
    const before = await counter('dmarc', 'fail');
    const got = await deliver('bob@dmarc-quarantine.test', 'dmarc quarantine', plain('bob@dmarc-quarantine.test', 'dmarc quarantine'));
    expect(got.folder).toBe('Junk');
    expect(got.results).toMatch(/dmarc=fail \(p=quarantine\b.*header\.from=dmarc-quarantine\.test/i);
    expect(await counter('dmarc', 'fail')).toBe(before + 1);
  });

  it('DMARC p=none: delivered to INBOX, dmarc=fail only in the header, counted', async () => {
    const before = await counter('dmarc', 'fail');
    const got = await deliver('bob@dmarc-none.test', 'dmarc none', plain('bob@dmarc-none.test', 'dmarc none'));
    expect(got.folder).toBe('INBOX');
    expect(got.results).toMatch(/dmarc=fail \(p=none\b.*header\.from=dmarc-none\.test/i);
    expect(await counter('dmarc', 'fail')).toBe(before + 1);
  });

  it('DMARC pass is counted too', async () => {
    const before = await counter('dmarc', 'pass');
    const got = await deliver('bob@signed.test', 'dmarc pass counted', await signed('bob@signed.test', 'dmarc pass counted'));
    expect(got.results).toMatch(/dmarc=pass \(p=reject\b/i);
    expect(await counter('dmarc', 'pass')).toBe(before + 1);
  });
});

describe('bad input and bad DNS', () => {
  it('a DNS server that never answers: accepted with spf=temperror', async () => {
    const before = await counter('spf', 'temperror');
    const got = await deliver('bob@silent.test', 'dns silent', plain('bob@silent.test', 'dns silent'));
    expect(got.results).toContain('spf=temperror');
    expect(got.folder).toBe('INBOX');
    expect(await counter('spf', 'temperror')).toBe(before + 1);
  });

  it('with smtp.sender_auth_temperror=tempfail, a DNS server that never answers gets 451 4.4.3 and nothing is kept', async () => {
    const strict = await MailroomProcess.create({
      env: {
        MAILROOM_DNS_SERVERS: dns.address,
        MAILROOM_DNS_TIMEOUT_MS: '500',
        MAILROOM_SMTP_SENDER_AUTH: 'true',
        MAILROOM_SMTP_SENDER_AUTH_TEMPERROR: 'tempfail',
        MAILROOM_SERVER_SHUTDOWN_GRACE_SECONDS: '1',
      },
    });
    try {
      await strict.cli('domain', 'add', 'example.test');
      await strict.cli('account', 'add', RCPT, '--password', 'alice-secret');
      await strict.start();
      const err = (await sendMail({ port: strict.ports.smtp, from: 'bob@silent.test', to: [RCPT], content: plain('bob@silent.test', 'strict silent') }).catch((e: unknown) => e)) as {
        responseCode?: number;
        response?: string;
      };
      expect(err.responseCode).toBe(451);
      expect(err.response).toMatch(/^451 4\.4\.3 /);
      expect(mailboxContents(strict.dataDir, RCPT)).toHaveLength(0);
      // The same server still takes mail whose checks can be done.
      const ok = await sendMail({ port: strict.ports.smtp, from: 'bob@spf-pass.test', to: [RCPT], content: plain('bob@spf-pass.test', 'strict ok') });
      expect(ok.response).toMatch(/^250 /);
    } finally {
      await strict.stop();
      strict.cleanup();
    }
  });

  it('removes forged Authentication-Results with our host name, keeps other servers', async () => {
    const forged = 'Authentication-Results: mx.mailroom.test; spf=pass smtp.mailfrom=ceo@example.test;\r\n dkim=pass header.d=example.test\r\nAuthentication-Results: other.example; dkim=none\r\n';
    const got = await deliver('bob@spf-fail.test', 'forged results', plain('bob@spf-fail.test', 'forged results', forged));
    expect(got.content).not.toContain('ceo@example.test');
    expect(got.content).toContain('Authentication-Results: other.example; dkim=none');
    expect(got.content.match(/^Authentication-Results: mx\.mailroom\.test;/gm)).toHaveLength(1);
    expect(got.results).toContain('spf=fail');
  });

  it('DNS answers that loop (CNAMEs pointing at each other): a clear SPF result, no hang, and the mail flows', async () => {
    const got = await deliver('bob@cname-loop.test', 'cname loop', plain('bob@cname-loop.test', 'cname loop'));
    // c-ares answers the looping chain as no record, so the domain publishes no SPF: none, not a hang or a crash.
    expect(got.results).toMatch(/spf=none .*smtp\.mailfrom=bob@cname-loop\.test/);
    expect(got.folder).toBe('INBOX');
  });

  it('a DKIM key lookup that never answers: dkim=temperror (counted), and the mail is accepted', async () => {
    const before = await counter('dkim', 'temperror');
    const got = await deliver('bob@keysilent.test', 'key silent', await signed('bob@keysilent.test', 'key silent'));
    expect(got.results).toMatch(/dkim=temperror .*header\.s=s1/);
    expect(got.results).toContain('spf=pass');
    expect(got.folder).toBe('INBOX');
    expect(await counter('dkim', 'temperror')).toBe(before + 1);
  });

  it('malformed DKIM-Signature headers give a clear dkim result and the mail flows', async () => {
    const empty = await deliver('bob@spf-pass.test', 'empty signature', plain('bob@spf-pass.test', 'empty signature', 'DKIM-Signature: v=1; a=rsa-sha256; d=; s=; b=!!!\r\n'));
    expect(empty.results).toContain('dkim=none');
    expect(empty.folder).toBe('INBOX');
    const broken = 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=spf-pass.test; s=nokey; h=from:subject; bh=AAAA; b=not*base64\r\n';
    const got = await deliver('bob@spf-pass.test', 'broken signature', plain('bob@spf-pass.test', 'broken signature', broken));
    expect(got.results).toMatch(/dkim=(neutral|fail|permerror|policy) /);
    expect(got.folder).toBe('INBOX');
    // No tags at all, and a field without a value: still delivered, with a result for each.
    const garbage = await deliver('bob@spf-pass.test', 'garbage signature', plain('bob@spf-pass.test', 'garbage signature', 'DKIM-Signature: this is not a signature\r\nDKIM-Signature:\r\n'));
    expect(garbage.results).toMatch(/dkim=(none|neutral|fail|permerror|policy)\b/);
    expect(garbage.results).toContain('spf=pass');
    expect(garbage.folder).toBe('INBOX');
  });
});
