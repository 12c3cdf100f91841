// Routes with credentials (docs/routes.md): mail for a domain goes to its route's smarthost, which here is
// smtp-server demanding AUTH, and AUTH only after STARTTLS (its default) on one, implicit TLS on the other.
// Delivered with the right password; with a wrong one the mail is deferred with the smarthost's reply in
// the queue, and the password shows in no log line, no CLI listing and no admin API answer.
import path from 'node:path';
import Database from 'better-sqlite3';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { sendMail } from './helpers/send.ts';

const GOOD = 'smarthost-pass-7f3a';
const WRONG = 'wrong-pass-91c2';
const TOKEN = 'routes-test-admin-token-0123456789';

interface Caught {
  to: string[];
  user: string | undefined;
  secure: boolean;
}

class Smarthost {
  readonly caught: Caught[] = [];
  readonly logins: Array<{ user: string; ok: boolean; secure: boolean }> = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(options: Partial<SMTPServerOptions>): Promise<void> {
    const pems = await generate([{ name: 'commonName', value: 'smarthost.test' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    this.server = new SMTPServer({
      key: pems.private,
      cert: pems.cert,
      logger: false,
      authMethods: ['PLAIN', 'LOGIN'],
      // AUTH is required (authOptional defaults to false) and, without allowInsecureAuth, refused before TLS.
      onAuth: (auth, session, cb) => {
        const ok = auth.username === 'relay-user' && auth.password === GOOD;
        this.logins.push({ user: auth.username ?? '', ok, secure: session.secure });
        return ok ? cb(null, { user: auth.username }) : cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onData: (stream, session, cb) => {
        stream.resume();
        stream.on('end', () => {
          this.caught.push({ to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, secure: session.secure });
          cb();
        });
      },
      ...options,
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const starttlsHost = new Smarthost();
const implicitHost = new Smarthost();
let mr: MailroomProcess;

function recipientRow(dataDir: string, address: string): { state: string; last_error: string | null } | undefined {
  const db = new Database(path.join(dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT state, last_error FROM queue_recipients WHERE address = ? ORDER BY id DESC LIMIT 1').get(address) as { state: string; last_error: string | null } | undefined;
  } finally {
    db.close();
  }
}

const send = (to: string) =>
  sendMail({ port: mr.ports.submission, from: 'sender@local.test', to: [to], content: `Subject: to ${to}\r\n\r\nhello\r\n`, auth: { user: 'sender@local.test', pass: 'sender-secret' } });

beforeAll(async () => {
  await starttlsHost.start({ secure: false });
  await implicitHost.start({ secure: true });
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600' } });
  await mr.cli('domain', 'add', 'local.test');
  await mr.cli('account', 'add', 'sender@local.test', '--password', 'sender-secret');
  await mr.cli('route', 'add', 'starttls.test', `127.0.0.1:${starttlsHost.port}`, '--security', 'starttls', '--username', 'relay-user', '--password', GOOD);
  await mr.cli('route', 'add', 'implicit.test', `127.0.0.1:${implicitHost.port}`, '--security', 'tls', '--username', 'relay-user', '--password', GOOD);
  await mr.cli('route', 'add', 'wrong.test', `127.0.0.1:${starttlsHost.port}`, '--username', 'relay-user', '--password', WRONG);
  await mr.start();
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await starttlsHost.stop();
  await implicitHost.stop();
});

describe('routes with credentials', () => {
  it('delivers through a smarthost that requires STARTTLS before AUTH', async () => {
    await send('someone@starttls.test');
    await waitFor(
      () => starttlsHost.caught.filter((c) => c.to.includes('someone@starttls.test')),
      (c) => c.length === 1,
      20_000,
      'delivery over STARTTLS',
    );
    const caught = starttlsHost.caught.find((c) => c.to.includes('someone@starttls.test'))!;
    expect(caught).toMatchObject({ user: 'relay-user', secure: true });
  });

  it('delivers through a smarthost on implicit TLS', async () => {
    await send('someone@implicit.test');
    await waitFor(
      () => implicitHost.caught,
      (c) => c.length === 1,
      20_000,
      'delivery over implicit TLS',
    );
    expect(implicitHost.caught[0]).toMatchObject({ to: ['someone@implicit.test'], user: 'relay-user', secure: true });
  });

  it('defers on a wrong password with the reply in the queue, and never logs or shows the password', async () => {
    await send('someone@wrong.test');
    const row = await waitFor(
      () => recipientRow(mr.dataDir, 'someone@wrong.test'),
      (r) => r?.state === 'deferred',
      20_000,
      'a deferral',
    );
    expect(row!.last_error).toMatch(/535/);
    expect(row!.last_error).toMatch(/Authentication credentials invalid/);
    expect(starttlsHost.logins).toContainEqual({ user: 'relay-user', ok: false, secure: true });
    expect(starttlsHost.caught.some((c) => c.to.includes('someone@wrong.test'))).toBe(false);

    const listing = await mr.cli('route', 'list');
    expect(listing).toMatch(/wrong\.test\s+127\.0\.0\.1:\d+\s+starttls\s+auth relay-user password \*{8}/);
    const api = await fetch(`http://127.0.0.1:${mr.ports.admin}/api/v1/routes`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { items: Array<{ domain: string; password: string | null; security: string }> };
    expect(body.items.map((r) => [r.domain, r.security, r.password])).toEqual([
      ['implicit.test', 'tls', '********'],
      ['starttls.test', 'starttls', '********'],
      ['wrong.test', 'starttls', '********'],
    ]);
    for (const text of [mr.output, listing, JSON.stringify(body)]) {
      expect(text).not.toContain(GOOD);
      expect(text).not.toContain(WRONG);
    }
    // The output does hold the attempt, so the check above looked at the right lines.
    expect(mr.output).toMatch(/someone@wrong\.test/);
  });
});
