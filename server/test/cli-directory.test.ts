// `mailroom domain|account|alias` against a running server: changes are seen by SMTP at once, passwords
// work for AUTH, and every mistake exits non-zero with one clear line on stderr.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { SmtpDialogue } from './helpers/smtp-dialogue.ts';

let mr: MailroomProcess;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...mr.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** The one-line error of a refused command. */
async function refused(args: string[], input?: string): Promise<string> {
  const r = await cli(args, input);
  expect(r.code, `${args.join(' ')} should fail; stdout: ${r.stdout}`).not.toBe(0);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r.stderr.trim();
}

async function login(user: string, password: string): Promise<string> {
  const out = await python(
    `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
try:
    code, _ = s.login(os.environ['USER_NAME'], os.environ['USER_PASSWORD'])
    print('login', code)
except smtplib.SMTPAuthenticationError as e:
    print('login', e.smtp_code)
s.quit()
`,
    { PORT: String(mr.ports.submission), USER_NAME: user, USER_PASSWORD: password },
  );
  return out.trim();
}

async function rcpt(address: string): Promise<string> {
  const smtp = await SmtpDialogue.open(mr.ports.smtp);
  await smtp.command('EHLO client.test');
  await smtp.command('MAIL FROM:<someone@remote.test>');
  const reply = await smtp.command(`RCPT TO:<${address}>`);
  smtp.close();
  return reply;
}

beforeAll(async () => {
  mr = await MailroomProcess.create();
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('while the server runs', () => {
  it('adds a domain and an account that SMTP accepts at once, and AUTH with the password', async () => {
    expect(await rcpt('alice@example.test')).toMatch(/^554 5\.7\.1 /);
    expect(await ok('domain', 'add', 'Example.TEST.')).toBe('added domain example.test\n');
    expect(await rcpt('alice@example.test')).toMatch(/^550 5\.1\.1 /);
    expect(await ok('account', 'add', 'alice@example.test', '--password', 'first secret')).toBe('added account alice@example.test\n');
    expect(await rcpt('Alice@Example.Test')).toBe('250 2.1.5 Accepted');
    expect(await login('alice@example.test', 'first secret')).toBe('login 235');
    expect(await ok('domain', 'list')).toBe('example.test\n');
    expect(await ok('account', 'list')).toBe('alice@example.test\n');
  });

  it('changes a password: the old one stops working, the new one works', async () => {
    expect(await ok('account', 'passwd', 'alice@example.test', '-p', 'second secret')).toBe('changed password of alice@example.test\n');
    expect(await login('alice@example.test', 'first secret')).toBe('login 535');
    expect(await login('alice@example.test', 'second secret')).toBe('login 235');
  });

  it('reads a password from standard input with --password-stdin', async () => {
    const r = await cli(['account', 'add', 'bob@example.test', '--password-stdin'], 'piped secret\n');
    expect(r.stdout).toBe('added account bob@example.test\n');
    expect(r.code).toBe(0);
    expect(await login('bob@example.test', 'piped secret')).toBe('login 235');
  });

  it('adds, lists and removes aliases, and SMTP follows them', async () => {
    expect(await ok('alias', 'add', 'sales@example.test', 'alice@example.test')).toBe('added alias sales@example.test -> alice@example.test\n');
    expect(await ok('alias', 'add', 'team@example.test', 'sales@example.test')).toBe('added alias team@example.test -> sales@example.test\n');
    expect(await rcpt('team@example.test')).toBe('250 2.1.5 Accepted');
    expect(await ok('alias', 'list')).toBe('sales@example.test -> alice@example.test\nteam@example.test -> sales@example.test\n');
    expect(await ok('alias', 'remove', 'team@example.test')).toBe('removed alias team@example.test\n');
    expect(await rcpt('team@example.test')).toMatch(/^550 5\.1\.1 /);
  });

  it('removes an account, then the domain with everything in it', async () => {
    expect(await ok('account', 'remove', 'bob@example.test')).toBe('removed account bob@example.test\n');
    expect(await rcpt('bob@example.test')).toMatch(/^550 5\.1\.1 /);
    expect(await login('bob@example.test', 'piped secret')).toBe('login 535');
    expect(await ok('domain', 'remove', 'example.test')).toBe('removed domain example.test\n');
    expect(await ok('account', 'list')).toBe('');
    expect(await ok('alias', 'list')).toBe('');
    expect(await rcpt('alice@example.test')).toMatch(/^554 5\.7\.1 /);
  });
});

describe('mailroom quota', () => {
  async function rcptSized(address: string, size: number): Promise<string> {
    const smtp = await SmtpDialogue.open(mr.ports.smtp);
    await smtp.command('EHLO client.test');
    await smtp.command(`MAIL FROM:<someone@remote.test> SIZE=${size}`);
    const reply = await smtp.command(`RCPT TO:<${address}>`);
    smtp.close();
    return reply;
  }

  it('sets and shows limits, and the running server enforces them at once', async () => {
    await ok('domain', 'add', 'quota.test');
    await ok('account', 'add', 'quinn@quota.test', '--password', 'quinn-password');
    expect(await ok('quota', 'show', 'quinn@quota.test')).toBe('quinn@quota.test  0 of unlimited (default)  0 of unlimited messages (default)\n');
    expect(await rcptSized('quinn@quota.test', 5000)).toMatch(/^250 /);
    expect(await ok('quota', 'set', 'quinn@quota.test', '--bytes', '4K', '--messages', '100')).toBe('quinn@quota.test  0 of 4K  0 of 100 messages\n');
    expect(await rcptSized('quinn@quota.test', 5000)).toBe('552 5.2.2 <quinn@quota.test>: Mailbox full: over its storage quota');
    expect(await rcptSized('quinn@quota.test', 3000)).toMatch(/^250 /);
    expect(await ok('quota', 'set', 'quinn@quota.test', '--bytes', 'default')).toBe('quinn@quota.test  0 of unlimited (default)  0 of 100 messages\n');
    expect(await ok('quota', 'show')).toContain('quinn@quota.test  0 of unlimited (default)  0 of 100 messages\n');
  });

  it('refuses a limit it cannot read, a missing account and an empty change', async () => {
    expect(await refused(['quota', 'set', 'quinn@quota.test', '--bytes', '2X'])).toBe(
      'mailroom: --bytes: expected a whole number of bytes, optionally with K, M, G or T (powers of 1024), or "default", got "2X"',
    );
    expect(await refused(['quota', 'set', 'quinn@quota.test', '--messages', '5K'])).toBe('mailroom: --messages: expected a whole number or "default", got "5K"');
    expect(await refused(['quota', 'set', 'nobody@quota.test', '--bytes', '1'])).toBe('mailroom: no account nobody@quota.test');
    expect(await refused(['quota', 'set', 'quinn@quota.test'])).toBe('mailroom: say what to set: --bytes and/or --messages');
    expect(await refused(['quota', 'show', 'nobody@quota.test'])).toBe('mailroom: no account nobody@quota.test');
  });
});

describe('mistakes exit non-zero with a clear message', () => {
  beforeAll(async () => {
    await ok('domain', 'add', 'local.test');
    await ok('account', 'add', 'carol@local.test', '-p', 'carol secret');
    await ok('alias', 'add', 'a@local.test', 'b@local.test');
  });

  it.each([
    [['domain', 'add', 'bad_domain'], 'mailroom: not a valid domain name: "bad_domain"'],
    [['domain', 'add', 'local.test'], 'mailroom: domain local.test already exists'],
    [['domain', 'remove', 'nowhere.test'], 'mailroom: no domain nowhere.test'],
    [['account', 'add', 'not-an-address', '-p', 'x'], 'mailroom: not a valid address: "not-an-address"'],
    [['account', 'add', 'dave@unknown.test', '-p', 'x'], 'mailroom: domain unknown.test is not a local domain; add it first'],
    [['account', 'add', 'carol@local.test', '-p', 'x'], 'mailroom: carol@local.test already exists as an account, alias or list'],
    [['account', 'add', 'dave@local.test', '-p', ''], 'mailroom: the password must not be empty'],
    [['account', 'add', 'dave@local.test'], 'mailroom: a password is required: --password <password> or --password-stdin'],
    [['account', 'add', 'dave@local.test', '-p', 'x', '--password-stdin'], 'mailroom: give either --password or --password-stdin, not both'],
    [['account', 'passwd', 'ghost@local.test', '-p', 'x'], 'mailroom: no account ghost@local.test'],
    [['account', 'remove', 'ghost@local.test'], 'mailroom: no account ghost@local.test'],
    [['alias', 'add', 'x@foreign.test', 'carol@local.test'], 'mailroom: domain foreign.test is not a local domain; add it first'],
    [['alias', 'add', 'b@local.test', 'a@local.test'], 'mailroom: alias b@local.test -> a@local.test would make a loop'],
    [['alias', 'add', 'self@local.test', 'self@local.test'], 'mailroom: alias self@local.test -> self@local.test would make a loop'],
    [['alias', 'add', 'c@local.test', 'bad address'], 'mailroom: not a valid address: "bad address"'],
    [['alias', 'remove', 'ghost@local.test'], 'mailroom: no alias ghost@local.test'],
  ])('mailroom %j', async (args, message) => {
    const line = await refused(args);
    expect(line.startsWith(message), line).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('refuses an empty password from standard input', async () => {
    expect(await refused(['account', 'add', 'dave@local.test', '--password-stdin'], '\n')).toBe('mailroom: the password must not be empty');
  });

  it('shows usage for an unknown command or a missing argument', async () => {
    expect(await refused(['bogus'])).toMatch(/^error: unknown command 'bogus'/);
    expect(await refused(['alias', 'add', 'x@local.test'])).toMatch(/^error: missing required argument 'target'/);
  });

  it('prints the version', async () => {
    expect(await ok('--version')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
