// No open relay. The instance's smarthost (MAILROOM_RELAY) is a catcher, so anything Mailroom relays
// lands there: the refused tricks must leave it empty and leave no remote row in the queue, while the
// clients that may relay (authenticated, trusted network) do reach it, which proves the check can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { RelayCatcher, queueRecipients } from './helpers/relay-catcher.ts';
import { SmtpDialogue } from './helpers/smtp-dialogue.ts';

let mr: MailroomProcess;
let trusting: MailroomProcess;
const catcher = new RelayCatcher();

beforeAll(async () => {
  await catcher.start();
  // A trusted range that does not contain loopback: the tests below connect from 127.0.0.1.
  mr = await MailroomProcess.create({ env: { MAILROOM_RELAY: catcher.address, MAILROOM_TRUSTED_NETWORKS: '10.0.0.0/8' } });
  await mr.cli('domain', 'add', 'local.test');
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'user@local.test', '--password', 'user-secret');
  await mr.cli('account', 'add', 'user@example.test', '--password', 'user-secret');
  await mr.cli('account', 'add', 'alice@local.test', '--password', 'alice-secret');
  await mr.cli('account', 'add', 'bob@local.test', '--password', 'bob-secret');
  await mr.cli('alias', 'add', 'sales@local.test', 'alice@local.test');
  await mr.start();
  // A greeting delay no test could sit out: trusted clients must never see it.
  trusting = await MailroomProcess.create({
    env: { MAILROOM_RELAY: catcher.address, MAILROOM_TRUSTED_NETWORKS: '127.0.0.0/8', MAILROOM_SMTP_GREETING_DELAY_MS: '600000' },
  });
  await trusting.cli('domain', 'add', 'local.test');
  await trusting.start();
});

afterAll(async () => {
  await mr?.stop();
  await trusting?.stop();
  mr?.cleanup();
  trusting?.cleanup();
  await catcher.stop();
});

/** RCPT arguments exactly as sent, including the angle brackets (or their absence). */
const TRICKS: Array<[name: string, rcpt: string]> = [
  ['plain foreign domain', '<user@foreign.test>'],
  ['percent hack', '<user%foreign.test@local.test>'],
  ['percent hack, reversed', '<user@foreign.test%local.test>'],
  ['bang path with local domain', '<foreign.test!user@local.test>'],
  ['bare bang path', '<foreign.test!user>'],
  ['source route', '<@local.test:user@foreign.test>'],
  ['source route with two hops', '<@local.test,@other.test:user@foreign.test>'],
  ['quoted local part with @, local domain', '<"user@foreign.test"@local.test>'],
  ['quoted local part with @, no domain', '<"user@foreign.test">'],
  ['quoted local part, foreign domain', '<"user"@foreign.test>'],
  ['trailing dot on a foreign domain', '<user@foreign.test.>'],
  ['upper case foreign domain', '<user@FOREIGN.test>'],
  ['IPv4 address literal', '<user@[127.0.0.1]>'],
  ['IPv6 address literal', '<user@[IPv6:::1]>'],
  ['bare IP as domain', '<user@127.0.0.1>'],
  ['missing domain', '<user>'],
  ['empty domain', '<user@>'],
  ['empty local part', '<@foreign.test>'],
  ['null recipient', '<>'],
  ['two @', '<user@local.test@foreign.test>'],
  ['escaped @', '<user\\@local.test@foreign.test>'],
  ['no angle brackets', 'user@foreign.test'],
  ['subdomain of a local domain', '<user@sub.local.test>'],
  ['local domain as a prefix', '<user@local.test.foreign.test>'],
  ['localhost', '<user@localhost>'],
  ['look-alike (Cyrillic o) domain', '<user@l\u043ecal.test>'],
  ['foreign domain with a DSN parameter', '<user@foreign.test> NOTIFY=NEVER'],
];

describe('unauthenticated relay from an untrusted client', () => {
  const observed: string[] = [];
  afterAll(() => console.info(`relay tricks, RCPT replies observed:\n${observed.join('\n')}`));

  it.each(TRICKS)('refuses the %s (RCPT TO:%s) with a 5xx and accepts no message', async (_name, rcpt) => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    expect(await smtp.command('EHLO client.test')).toMatch(/^250/);
    expect(await smtp.command('MAIL FROM:<sender@remote.test>')).toMatch(/^250 /);
    const reply = await smtp.command(Buffer.from(`RCPT TO:${rcpt}`, 'utf8'));
    observed.push(`${rcpt.padEnd(48)} ${reply}`);
    expect(reply).toMatch(/^5\d\d /);
    expect(await smtp.command('DATA')).toMatch(/^503 5\.5\.1 /);
    await smtp.command('QUIT');
    smtp.close();
  });

  it('answers a plain relay attempt with 554 5.7.1', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    await smtp.command('EHLO client.test');
    await smtp.command('MAIL FROM:<sender@remote.test>');
    expect(await smtp.command('RCPT TO:<user@foreign.test>')).toBe('554 5.7.1 <user@foreign.test>: Relay access denied');
    expect(await smtp.command('RCPT TO:<user@FOREIGN.test>')).toBe('554 5.7.1 <user@foreign.test>: Relay access denied');
    expect(await smtp.command('RCPT TO:<@local.test:user@foreign.test>')).toBe('554 5.7.1 <user@foreign.test>: Relay access denied');
    smtp.close();
  });

  it('left nothing for a foreign domain in the queue or at the smarthost', async () => {
    const remote = queueRecipients(mr.dataDir).filter((r) => r.destination === 'remote');
    expect(remote).toEqual([]);
    expect(catcher.messages.filter((m) => m.from === 'sender@remote.test')).toEqual([]);
  });

  it('refuses relay with smtplib as well, leaving the transaction without recipients', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
try:
    s.sendmail('sender@remote.test', ['user@foreign.test'], 'Subject: relay?\\r\\n\\r\\nno\\r\\n')
except smtplib.SMTPRecipientsRefused as e:
    for rcpt, (code, msg) in e.recipients.items():
        print('refused', rcpt, code, msg.decode())
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('refused user@foreign.test 554 5.7.1');
    expect(queueRecipients(mr.dataDir).filter((r) => r.destination === 'remote')).toEqual([]);
  });
});

describe('STARTTLS is not authentication', () => {
  // smtp-server sets session.user to false (not undefined) after STARTTLS; a "!== undefined" check once
  // counted every TLS client as authenticated, which made Mailroom an open relay for anyone using TLS.
  it('refuses relay after STARTTLS without AUTH, on the MX and on submission', async () => {
    const out = await python(
      `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
for name in ('MX', 'SUBMISSION'):
    s = smtplib.SMTP('127.0.0.1', int(os.environ[name]), timeout=10)
    s.starttls(context=ctx)
    s.ehlo('client.test')
    code, msg = s.mail('sender@remote.test'); print(name, 'mail', code, msg.decode())
    code, msg = s.rcpt('user@foreign.test'); print(name, 'rcpt', code, msg.decode())
    s.quit()
`,
      { MX: String(mr.ports.smtp), SUBMISSION: String(mr.ports.submission) },
    );
    expect(out).toContain('MX rcpt 554 5.7.1 <user@foreign.test>: Relay access denied');
    expect(out).toMatch(/^SUBMISSION mail 530 /m);
    expect(queueRecipients(mr.dataDir).filter((r) => r.destination === 'remote')).toEqual([]);
  });

  it('delivers a TLS message to a local user with a Received header that does not claim AUTH', async () => {
    const out = await python(
      `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.starttls(context=ctx)
print('refused', s.sendmail('sender@remote.test', ['bob@local.test'], 'Subject: tls without auth\\r\\n\\r\\nhi\\r\\n'))
s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('refused {}');
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@local.test'),
      (m) => m.some((x) => x.content.includes('tls without auth')),
      10_000,
      'TLS delivery',
    );
    expect(mail.find((x) => x.content.includes('tls without auth'))!.content).toMatch(/with ESMTPS id /);
  });
});

describe('local domains are matched case-insensitively, and only exactly', () => {
  it('delivers User@EXAMPLE.TEST to user@example.test', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
print('refused', s.sendmail('sender@remote.test', ['User@EXAMPLE.TEST'], 'Subject: mixed case\\r\\n\\r\\nhello\\r\\n'))
s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('refused {}');
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'user@example.test'),
      (m) => m.some((x) => x.content.includes('Subject: mixed case')),
      10_000,
      'mixed-case delivery',
    );
    expect(mail.length).toBeGreaterThan(0);
    expect(queueRecipients(mr.dataDir).filter((r) => r.destination === 'remote')).toEqual([]);
  });
});

describe('clients that may relay', () => {
  it('relays for an authenticated submission client (STARTTLS + AUTH) to the smarthost', async () => {
    const out = await python(
      `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.starttls(context=ctx)
s.login('alice@local.test', 'alice-secret')
print('refused', s.sendmail('alice@local.test', ['friend@foreign.test'], 'Subject: relayed by auth\\r\\n\\r\\nhi\\r\\n'))
s.quit()
`,
      { PORT: String(mr.ports.submission) },
    );
    expect(out).toContain('refused {}');
    const caught = await waitFor(
      () => catcher.messages.filter((m) => m.content.includes('relayed by auth')),
      (m) => m.length === 1,
      15_000,
      'relay to the smarthost',
    );
    expect(caught[0]!.to).toEqual(['friend@foreign.test']);
    expect(caught[0]!.from).toBe('alice@local.test');
  });

  it('relays for a client in MAILROOM_TRUSTED_NETWORKS without AUTH', async () => {
    const smtp = await SmtpDialogue.open(trusting.ports.smtp);
    await smtp.command('EHLO client.test');
    expect(await smtp.command('MAIL FROM:<app@local.test>')).toMatch(/^250 /);
    expect(await smtp.command('RCPT TO:<someone@foreign.test>')).toBe('250 2.1.5 Accepted');
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    expect(await smtp.command('Subject: relayed for a trusted network\r\n\r\nhi\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-Z]+$/);
    await smtp.command('QUIT');
    const caught = await waitFor(
      () => catcher.messages.filter((m) => m.content.includes('relayed for a trusted network')),
      (m) => m.length === 1,
      15_000,
      'trusted relay',
    );
    expect(caught[0]!.to).toEqual(['someone@foreign.test']);
  });

  it('never delays the greeting for a trusted client, even one that talks at once', async () => {
    const smtp = await SmtpDialogue.open(trusting.ports.smtp, { greeting: false });
    smtp.write('EHLO eager.test\r\n');
    expect(await smtp.reply()).toBe('220 mx.mailroom.test ESMTP Mailroom');
    expect(await smtp.reply()).toMatch(/^250-mx\.mailroom\.test/);
    smtp.close();
  });

  it('does not let the trusted instance relay the tricks either when they are malformed', async () => {
    const smtp = await SmtpDialogue.open(trusting.ports.smtp);
    await smtp.command('EHLO client.test');
    await smtp.command('MAIL FROM:<app@local.test>');
    // Trust allows relaying, not address games: these are still refused as bad syntax.
    expect(await smtp.command('RCPT TO:<"user@foreign.test">')).toMatch(/^501 /);
    expect(await smtp.command('RCPT TO:<user@[127.0.0.1]>')).toMatch(/^553 5\.1\.3 /);
    smtp.close();
  });
});

describe('authentication and sender ownership', () => {
  it('refuses MAIL FROM an address the user does not own with 553 5.7.1 (submission)', async () => {
    const out = await python(
      `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.starttls(context=ctx)
s.login('alice@local.test', 'alice-secret')
code, msg = s.mail('bob@local.test'); print('as bob', code, msg.decode()); s.rset()
code, msg = s.mail('sales@local.test'); print('as alias', code, msg.decode()); s.rset()
code, msg = s.mail('ALICE@LOCAL.TEST'); print('as self, upper case', code, msg.decode()); s.rset()
code, msg = s.mail(''); print('null sender', code, msg.decode())
s.quit()
`,
      { PORT: String(mr.ports.submission) },
    );
    expect(out).toContain('as bob 553 5.7.1 <bob@local.test>: Sender address not owned by user alice@local.test');
    expect(out).toContain('as alias 250');
    expect(out).toContain('as self, upper case 250');
    expect(out).toMatch(/null sender 553 5\.7\.1/);
  });

  it('applies the same ownership rule to a client that authenticates on the MX listener', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    await smtp.command('EHLO client.test');
    const plain = Buffer.from('\0alice@local.test\0alice-secret').toString('base64');
    expect(await smtp.command(`AUTH PLAIN ${plain}`)).toMatch(/^235 /);
    expect(await smtp.command('MAIL FROM:<bob@local.test>')).toMatch(/^553 5\.7\.1 /);
    smtp.close();
  });

  it('allows AUTH without STARTTLS from loopback only (the non-loopback rule is unit-tested in auth-policy.test.ts)', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.submission);
    const ehlo = await smtp.command('EHLO client.test');
    expect(ehlo).toContain('AUTH PLAIN LOGIN');
    expect(ehlo).toContain('STARTTLS');
    const plain = Buffer.from('\0alice@local.test\0alice-secret').toString('base64');
    expect(await smtp.command(`AUTH PLAIN ${plain}`)).toMatch(/^235 2\.7\.0 /);
    smtp.close();
  });

  it('refuses a bad password with 535 5.7.8 and still refuses relay afterwards', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    await smtp.command('EHLO client.test');
    const plain = Buffer.from('\0alice@local.test\0wrong').toString('base64');
    expect(await smtp.command(`AUTH PLAIN ${plain}`)).toMatch(/^535 5\.7\.8 /);
    await smtp.command('MAIL FROM:<alice@local.test>');
    expect(await smtp.command('RCPT TO:<user@foreign.test>')).toMatch(/^554 5\.7\.1 /);
    smtp.close();
  });
});
