// Hostile and broken input on the MX listener: oversized messages, too many recipients, bad addresses,
// over-long lines, binary garbage, commands out of order, unknown commands and clients that talk before
// the greeting. Each reply is recorded and printed; after all of it the server still delivers mail.
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { SmtpDialogue } from './helpers/smtp-dialogue.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const MAX_SIZE = 10_000;
const GREETING_DELAY_MS = 3000;
let mr: MailroomProcess;
/** A second instance with a real greeting delay; the main one has none so the other tests run quickly. */
let delayed: MailroomProcess;
const observed: string[] = [];

/** Opens a session past EHLO (waiting out the greeting delay, as a well-behaved client does). */
async function session(): Promise<SmtpDialogue> {
  const smtp = await SmtpDialogue.open(mr.ports.smtp);
  expect(await smtp.command('EHLO client.test')).toMatch(/^250-/);
  return smtp;
}

/** The same "random" bytes on every run, so a failure can be replayed. */
function pseudoRandomBytes(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(crypto.createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

/** Records a reply obtained some other way. */
function note(what: string, reply: string): string {
  observed.push(`${what.padEnd(44)} ${reply}`);
  return reply;
}

async function record(smtp: SmtpDialogue, what: string, line: string | Buffer): Promise<string> {
  const reply = await smtp.command(line);
  observed.push(`${what.padEnd(44)} ${reply.split('\n').at(-1)}`);
  return reply;
}

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_SMTP_MAX_MESSAGE_SIZE_BYTES: String(MAX_SIZE),
      MAILROOM_SMTP_MAX_RECIPIENTS: '2',
    },
  });
  await mr.cli('domain', 'add', 'example.test');
  for (const name of ['alice', 'bob', 'carol']) await mr.cli('account', 'add', `${name}@example.test`, '--password', `${name}-secret`);
  await mr.start();
  delayed = await MailroomProcess.create({ env: { MAILROOM_SMTP_GREETING_DELAY_MS: String(GREETING_DELAY_MS) } });
  await delayed.start();
});

afterAll(async () => {
  console.info(`bad input, replies observed:\n${observed.join('\n')}`);
  await mr?.stop();
  await delayed?.stop();
  mr?.cleanup();
  delayed?.cleanup();
});

describe('size limit', () => {
  it('refuses MAIL FROM with SIZE= over the limit with 552 5.3.4 and accepts SIZE= at the limit', async () => {
    const smtp = await session();
    expect(await record(smtp, `SIZE=${MAX_SIZE + 1}`, `MAIL FROM:<a@remote.test> SIZE=${MAX_SIZE + 1}`)).toMatch(/^552 5\.3\.4 /);
    expect(await record(smtp, 'SIZE=99999999999999999999', 'MAIL FROM:<a@remote.test> SIZE=99999999999999999999')).toMatch(/^552 5\.3\.4 /);
    expect(await record(smtp, 'SIZE=abc', 'MAIL FROM:<a@remote.test> SIZE=abc')).toMatch(/^501 5\.5\.4 /);
    expect(await record(smtp, `SIZE=${MAX_SIZE}`, `MAIL FROM:<a@remote.test> SIZE=${MAX_SIZE}`)).toMatch(/^250 2\.1\.0 /);
    smtp.close();
  });

  it('refuses oversized DATA (no SIZE= given) with 552 5.3.4 from smtplib, and delivers nothing', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=20)
s.ehlo('client.test')
print('advertised', s.esmtp_features.get('size'))
s.mail('a@remote.test')        # no SIZE= parameter: the limit is only found in DATA
s.rcpt('alice@example.test')
code, msg = s.data('Subject: too big\\r\\n\\r\\n' + ('x' * 76 + '\\r\\n') * 400)
print('data', code, msg.decode())
code, msg = s.noop(); print('noop', code)
`,
      { PORT: String(mr.ports.smtp) },
    );
    observed.push(`DATA of ~31 KB (limit ${MAX_SIZE})`.padEnd(44) + ` ${/data (.*)/.exec(out)?.[1]}`);
    expect(out).toContain(`advertised ${MAX_SIZE}`);
    expect(out).toMatch(new RegExp(`^data 552 5\\.3\\.4 Error: message exceeds the size limit of ${MAX_SIZE} bytes`, 'm'));
    expect(out).toContain('noop 250');
    expect(mailboxContents(mr.dataDir, 'alice@example.test').filter((m) => m.content.includes('Subject: too big'))).toEqual([]);
  });

  it('lets smtplib find the limit itself through SIZE= on MAIL FROM', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=20)
try:
    s.sendmail('a@remote.test', ['alice@example.test'], 'Subject: too big\\r\\n\\r\\n' + 'y' * 20000)
except smtplib.SMTPSenderRefused as e:
    print('mail', e.smtp_code, e.smtp_error.decode())
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toMatch(/^mail 552 5\.3\.4 /m);
  });
});

describe('recipient limit', () => {
  it('answers the recipient over smtp.max_recipients with 452 4.5.3 and delivers to the others', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=20)
print('refused', s.sendmail('a@remote.test', ['alice@example.test', 'bob@example.test', 'carol@example.test'], 'Subject: three recipients\\r\\n\\r\\nhi\\r\\n'))
s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    observed.push(`third RCPT (limit 2)`.padEnd(44) + ` ${/'carol@example.test': \((\d+), b'([^']*)'/.exec(out)?.slice(1).join(' ')}`);
    expect(out).toMatch(/'carol@example\.test': \(452, b'4\.5\.3 Error: too many recipients'\)/);
    for (const name of ['alice', 'bob']) {
      await waitFor(
        () => mailboxContents(mr.dataDir, `${name}@example.test`),
        (m) => m.some((x) => x.content.includes('three recipients')),
        10_000,
        `delivery to ${name}`,
      );
    }
    expect(mailboxContents(mr.dataDir, 'carol@example.test').filter((m) => m.content.includes('three recipients'))).toEqual([]);
  });
});

describe('invalid addresses and parameters', () => {
  it.each([
    ['sender with a space', 'MAIL FROM:<bad address@remote.test>', /^501 5\.1\.7 /],
    ['sender without brackets', 'MAIL FROM:a@remote.test', /^501 5\.1\.7 /],
    ['sender with a NUL', 'MAIL FROM:<a\0b@remote.test>', /^501 5\.1\.7 /],
    ['sender address literal', 'MAIL FROM:<a@[192.0.2.1]>', /^553 5\.1\.7 /],
    ['sender local part over 64 octets', `MAIL FROM:<${'a'.repeat(65)}@remote.test>`, /^553 5\.1\.7 /],
    ['unknown MAIL parameter', 'MAIL FROM:<a@remote.test> FOO=bar', /^555 5\.5\.4 /],
    ['BODY=BINARYMIME (needs CHUNKING)', 'MAIL FROM:<a@remote.test> BODY=BINARYMIME', /^501 /],
  ])('%s: %s', async (what, line, expected) => {
    const smtp = await session();
    expect(await record(smtp, what, line)).toMatch(expected);
    smtp.close();
  });

  it.each([
    ['recipient with consecutive dots', 'RCPT TO:<alice@example..test>', /^501 5\.1\.3 /],
    ['recipient domain with a leading hyphen', 'RCPT TO:<alice@-example.test>', /^553 5\.1\.3 /],
    ['recipient with a NUL', 'RCPT TO:<ali\0ce@example.test>', /^501 5\.1\.3 /],
    ['unknown local recipient', 'RCPT TO:<nobody@example.test>', /^550 5\.1\.1 /],
    ['DSN parameter without DSN', 'RCPT TO:<alice@example.test> NOTIFY=SUCCESS', /^555 5\.5\.4 /],
  ])('%s: %s', async (what, line, expected) => {
    const smtp = await session();
    expect(await smtp.command('MAIL FROM:<a@remote.test>')).toMatch(/^250 /);
    expect(await record(smtp, what, line)).toMatch(expected);
    smtp.close();
  });
});

describe('mail loops (RFC 5321 6.3)', () => {
  async function sendWithHops(hops: number): Promise<string> {
    const smtp = await session();
    await smtp.command('MAIL FROM:<a@remote.test>');
    await smtp.command('RCPT TO:<carol@example.test>');
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    const received = 'Received: from relay.test (relay.test [192.0.2.1]) by mx.test; Mon, 1 Jan 2026 00:00:00 +0000\r\n'.repeat(hops);
    const reply = await smtp.command(`${received}Subject: ${hops} hops\r\n\r\nbody\r\n.`);
    smtp.close();
    return reply;
  }

  it('refuses a message that already has more than 100 Received headers with 554 5.4.6', async () => {
    expect(note(`DATA with 101 Received headers`, await sendWithHops(101))).toMatch(/^554 5\.4\.6 /);
    expect(mailboxContents(mr.dataDir, 'carol@example.test').filter((m) => m.content.includes('101 hops'))).toEqual([]);
  });

  it('accepts one with 100', async () => {
    expect(await sendWithHops(100)).toMatch(/^250 2\.0\.0 /);
  });
});

describe('commands out of order and unknown commands', () => {
  it('answers 503 5.5.1 for commands in the wrong order, and the session goes on', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    expect(await record(smtp, 'MAIL before EHLO', 'MAIL FROM:<a@remote.test>')).toMatch(/^503 5\.5\.1 /);
    await smtp.command('EHLO client.test');
    expect(await record(smtp, 'RCPT before MAIL', 'RCPT TO:<alice@example.test>')).toMatch(/^503 5\.5\.1 /);
    expect(await record(smtp, 'DATA before MAIL', 'DATA')).toMatch(/^503 5\.5\.1 /);
    expect(await smtp.command('MAIL FROM:<a@remote.test>')).toMatch(/^250 /);
    expect(await record(smtp, 'MAIL twice', 'MAIL FROM:<b@remote.test>')).toMatch(/^503 5\.5\.1 /);
    expect(await record(smtp, 'DATA before RCPT', 'DATA')).toMatch(/^503 5\.5\.1 /);
    expect(await record(smtp, 'STARTTLS with an argument', 'STARTTLS now')).toMatch(/^501 /);
    expect(await smtp.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    expect(await smtp.command('Subject: after the mistakes\r\n\r\nstill fine\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as /);
    smtp.close();
  });

  it('answers 500 5.5.2 for unknown commands, 502 for EXPN/TURN/ETRN, and closes with 421 after ten unknown ones', async () => {
    const smtp = await session();
    expect(await record(smtp, 'unknown command', 'FOO bar')).toMatch(/^500 5\.5\.2 /);
    expect(await record(smtp, 'WIZ (sendmail joke)', 'WIZ secret')).toMatch(/^500 5\.5\.2 /);
    expect(await record(smtp, 'EXPN', 'EXPN staff')).toBe('502 5.5.1 EXPN not implemented');
    expect(await record(smtp, 'TURN', 'TURN')).toBe('502 5.5.1 TURN not implemented');
    expect(await record(smtp, 'ETRN', 'ETRN example.test')).toBe('502 5.5.1 ETRN not implemented');
    expect(await record(smtp, 'VRFY', 'VRFY alice@example.test')).toMatch(/^252 /);
    let last = '';
    for (let i = 0; i < 10 && !last.startsWith('421'); i++) last = await smtp.command(`BOGUS${i}`);
    observed.push(`${'tenth unknown command'.padEnd(44)} ${last}`);
    expect(last).toMatch(/^421 /);
    expect(await smtp.closedByServer()).toBe(true);
  });

  it('refuses an HTTP request sent to the SMTP port with 421 and closes', async () => {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    expect(await record(smtp, 'HTTP request line', 'GET / HTTP/1.1')).toMatch(/^421 /);
    expect(await smtp.closedByServer()).toBe(true);
  });
});

describe('over-long lines and binary garbage', () => {
  it('accepts a 1000-octet command line (RFC 5321 asks servers to be liberal)', async () => {
    const smtp = await session();
    expect(await record(smtp, 'NOOP, 1000-octet line', `NOOP ${'a'.repeat(995)}`)).toMatch(/^250 /);
    smtp.close();
  });

  it('closes with 421 after a command line over 16 KiB', async () => {
    const smtp = await session();
    expect(await record(smtp, 'NOOP, 20000-octet line', `NOOP ${'a'.repeat(20_000)}`)).toMatch(/^421 /);
    expect(await smtp.closedByServer()).toBe(true);
  });

  it('closes with 421 on 100 KiB without a line break', async () => {
    const smtp = await session();
    smtp.write(Buffer.alloc(100 * 1024, 0x41));
    const reply = await smtp.reply();
    observed.push(`${'100 KiB without CRLF'.padEnd(44)} ${reply}`);
    expect(reply).toMatch(/^421 /);
    expect(await smtp.closedByServer()).toBe(true);
  });

  it('answers 4 KiB of binary garbage (NULs, stray CR/LF) only with error replies', async () => {
    const smtp = await session();
    const before = smtp.transcript.length;
    const garbage = pseudoRandomBytes('mailroom bad input', 4096);
    garbage[10] = 0;
    garbage[200] = 0x0a;
    garbage[300] = 0x0d;
    garbage[301] = 0x0a;
    smtp.write(Buffer.concat([garbage, Buffer.from('\r\n')]));
    await smtp.closedByServer(3000);
    const replies = smtp.transcript
      .slice(before)
      .filter((l) => l.startsWith('S: '))
      .map((l) => l.slice(3));
    observed.push(`${'4 KiB of random bytes'.padEnd(44)} ${[...new Set(replies.map((r) => r.slice(0, 9)))].join(', ')}`);
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toMatch(/^(5\d\d|421)[ -]/);
    smtp.close();
  });

  it('survives a client that sends NULs in a command and hangs up mid-DATA', async () => {
    const smtp = await session();
    expect(await record(smtp, 'EHLO with NUL bytes', 'EHLO \0\0\0')).toMatch(/^501 /);
    await smtp.command('MAIL FROM:<a@remote.test>');
    await smtp.command('RCPT TO:<alice@example.test>');
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    smtp.write('Subject: cut off\r\n\r\npartial');
    smtp.close();
    expect(mailboxContents(mr.dataDir, 'alice@example.test').filter((m) => m.content.includes('Subject: cut off'))).toEqual([]);
  });
});

describe('greeting delay (early-talker check)', () => {
  it('disconnects a client that talks before the greeting on the MX listener with 421', async () => {
    const smtp = await SmtpDialogue.open(delayed.ports.smtp, { greeting: false });
    smtp.write('EHLO spambot.test\r\n');
    const first = await smtp.reply(GREETING_DELAY_MS + 10_000);
    observed.push(`${'EHLO before the greeting (MX)'.padEnd(44)} ${first}`);
    expect(first).toMatch(/^421 4\.5\.0 /);
    expect(await smtp.closedByServer()).toBe(true);
    // It never got a greeting: the 421 was the only thing it heard.
    expect(smtp.transcript.filter((l) => l.startsWith('S: '))).toEqual([`S: ${first}`]);
  });

  it('never delays submission: a client that talks at once gets the greeting and an answer', async () => {
    const smtp = await SmtpDialogue.open(delayed.ports.submission, { greeting: false });
    smtp.write('EHLO eager.test\r\n');
    expect(await smtp.reply()).toMatch(/^220 mx\.mailroom\.test ESMTP Mailroom$/);
    expect(await smtp.reply()).toMatch(/^250-mx\.mailroom\.test/);
    smtp.close();
  });

  it('greets a client that waits, after the delay', async () => {
    const smtp = await SmtpDialogue.open(delayed.ports.smtp);
    expect(smtp.transcript).toEqual(['S: 220 mx.mailroom.test ESMTP Mailroom']);
    expect(await smtp.command('EHLO patient.test')).toMatch(/^250-/);
    smtp.close();
  });
});

describe('after all of that', () => {
  it('still delivers a normal message from swaks on the MX listener', async () => {
    if (!requireCommand('swaks', 'SMTP client for the final delivery check')) return;
    const { stdout } = await run('swaks', ['--server', `127.0.0.1:${mr.ports.smtp}`, '--from', 'someone@remote.test', '--to', 'bob@example.test', '--header', 'Subject: still alive', '--body', 'ok'], {
      timeout: 60_000,
    });
    expect(stdout).toMatch(/<- {2}220 mx\.mailroom\.test ESMTP Mailroom/);
    expect(stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@example.test'),
      (m) => m.some((x) => x.content.includes('Subject: still alive')),
      10_000,
      'final delivery',
    );
    expect(mr.child?.exitCode).toBeNull();
  });
});
