// `mailroom db copy --to postgres://...` as an operator runs it: a single node on the embedded store with
// accounts, mail with flags, a folder of its own, a deferred message in the queue, a ban and an external
// POP3 account; the server stopped; the copy; then a node started on PostgreSQL serves the same mail
// (same UIDVALIDITY, UIDs and flags, the same password), the same queue, and hands out new ids and UIDs
// that do not collide. Also: the progress bar and the count check, a non-empty target refused, a copy
// refused while the server runs, and every PostgreSQL table either copied or deliberately left out.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_PLAN, NOT_COPIED } from '../src/store/copy/copy-plan.ts';
import { readMailbox, withImap, type SeenMessage } from './helpers/imap-read.ts';
import { BIN, MailroomProcess } from './helpers/mailroom.ts';
import { waitFor } from './helpers/mailbox.ts';
import { freePort } from './helpers/ports.ts';
import { createTestDatabase, postgresAvailable } from './helpers/postgres.ts';
import { message, sendMail } from './helpers/send.ts';

const run = promisify(execFile);
const TOKEN = 'db-copy-test-admin-token-0123456789';
const PASSWORD = 'copy me over';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface MailboxView {
  uidValidity: bigint;
  uids: number[];
  messages: SeenMessage[];
}

async function view(port: number): Promise<{ folders: string[]; inbox: MailboxView; archive: MailboxView }> {
  return withImap(port, 'alice@example.test', PASSWORD, async (client) => {
    const folders = (await client.list()).map((f) => f.path).sort();
    const read = async (name: string): Promise<MailboxView> => {
      const messages = await readMailbox(client, name);
      const uids: number[] = [];
      for await (const m of client.fetch('1:*', { uid: true })) uids.push(m.uid);
      return { uidValidity: (client.mailbox as { uidValidity: bigint }).uidValidity, uids, messages };
    };
    return { folders, inbox: await read('INBOX'), archive: await read('Archive') };
  });
}

async function queue(node: MailroomProcess): Promise<{ id: string; state: string; sender: string }[]> {
  const res = await node.admin('/api/v1/queue?sort=created', { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string; state: string; sender: string }[] }).items;
}

describe.runIf(postgresAvailable())('mailroom db copy --to postgres://', () => {
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  let single: MailroomProcess;
  let before: Awaited<ReturnType<typeof view>>;
  let queuedBefore: Awaited<ReturnType<typeof queue>>;
  let copy: Result;

  beforeAll(async () => {
    target = await createTestDatabase('db_copy');
    const closedPort = await freePort(); // nothing listens: remote mail is deferred
    single = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_RELAY: `127.0.0.1:${closedPort}`, MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600' } });
    await single.cli('domain', 'add', 'Example.test');
    await single.cli('account', 'add', 'alice@example.test', '--password', PASSWORD);
    await single.cli('alias', 'add', 'info@example.test', 'alice@example.test');
    await single.cli('ban', 'add', '192.0.2.7', '--forever');
    await single.cli('fetch-account', 'add', 'alice@example.test', '--host', 'pop.remote.test', '--user', 'alice', '--password', 'remote secret', '--disabled');
    await single.start();
    for (let i = 1; i <= 3; i++) {
      const to = i === 3 ? 'info@example.test' : 'alice@example.test';
      await sendMail({
        port: single.ports.smtp,
        from: 'someone@remote.test',
        to: [to],
        content: message({ from: 'someone@remote.test', to: [to], subject: `before copy ${i}`, messageId: `copy-${i}@remote.test` }),
      });
    }
    await sendMail({
      port: single.ports.submission,
      from: 'alice@example.test',
      to: ['bob@remote.test'],
      auth: { user: 'alice@example.test', pass: PASSWORD },
      content: message({ from: 'alice@example.test', to: ['bob@remote.test'], subject: 'deferred', messageId: 'deferred@example.test' }),
    });
    await withImap(single.ports.imap, 'alice@example.test', PASSWORD, async (client) => {
      await client.mailboxCreate('Archive');
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('1', ['\\Seen', '$Important']);
      await client.messageMove('2', 'Archive');
    });
    await waitFor(
      () => queue(single),
      (q) => q.length === 1 && q[0]!.state === 'deferred',
      20_000,
      'the remote message deferred',
    );
    before = await view(single.ports.imap);
    queuedBefore = await queue(single);
  }, 120_000);

  afterAll(async () => {
    await single?.stop();
    single?.cleanup();
    await target?.drop();
  });

  it('refuses while the server runs on the data directory, naming the process', async () => {
    const r = await cli(single.env, 'db', 'copy', '--to', target.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mailroom: the data directory .* is in use by mailroom process \d+/);
  });

  it('copies the stopped store with a progress bar and a count check', async () => {
    await single.stop();
    copy = await cli(single.env, 'db', 'copy', '--to', target.url.replace('postgres@', 'postgres:not-shown@'));
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).toMatch(/db copy \[#{30}\] 100% \d+ rows/);
    expect(copy.stderr).toMatch(/db copy \[[#-]{30}\] +\d+% mail /);
    expect(copy.stdout).toContain('count check: domains 1, accounts 1, aliases 1, mailboxes 6, mailbox_subscriptions 6, mail 3,');
    expect(copy.stdout).toContain(
      'queue_messages 1, queue_content 1, queue_recipients 1, quarantine 0, fetch_accounts 1, fetch_uidls 0, bans 1, dkim_keys 0, routes 0, lists 0, list_members 0, greylist 0, message_history 4, message_history_attempts 4: every table as in the source',
    );
    expect(copy.stdout + copy.stderr).not.toContain('not-shown');
    expect(copy.stdout).toContain('postgres://postgres:***@');
  });

  it('a node on PostgreSQL serves the same mail, folders, flags, UIDs and queue, and new ids do not collide', async () => {
    const node = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_DATABASE_URL: target.url, MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600' } });
    try {
      await node.start();
      const after = await view(node.ports.imap);
      expect(after.folders).toEqual(before.folders);
      expect(after.inbox).toEqual(before.inbox);
      expect(after.archive).toEqual(before.archive);
      expect(after.inbox.messages.map((m) => m.subject)).toEqual(['before copy 1', 'before copy 3']);
      expect(after.inbox.messages[0]!.flags).toEqual(['$Important', '\\Seen']);
      expect(await queue(node)).toEqual(queuedBefore);

      // New mail takes the next UID; a new account and mailboxes get fresh ids.
      await sendMail({
        port: node.ports.smtp,
        from: 'someone@remote.test',
        to: ['alice@example.test'],
        content: message({ from: 'someone@remote.test', to: ['alice@example.test'], subject: 'after copy', messageId: 'after@remote.test' }),
      });
      await node.cli('account', 'add', 'carol@example.test', '--password', 'carol pass');
      await withImap(node.ports.imap, 'carol@example.test', 'carol pass', async (client) => expect((await client.list()).length).toBeGreaterThan(0));
      const inbox = (await view(node.ports.imap)).inbox;
      expect(inbox.uids).toEqual([1, 3, 4]); // 2 went to Archive; UIDs are never reused
      expect(inbox.messages.at(-1)!.subject).toBe('after copy');

      const bans = await node.cli('ban', 'list');
      expect(bans).toContain('192.0.2.7');
      expect(await node.cli('fetch-account', 'list')).toContain('pop.remote.test');
    } finally {
      await node.stop();
      node.cleanup();
    }
  }, 60_000);

  it('refuses a target that is not empty, and leaves it as it was', async () => {
    const r = await cli(single.env, 'db', 'copy', '--to', target.url);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^mailroom: postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+ is not empty \(table domains has rows\): db copy only fills an empty database/);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      expect(Number((await client.query('SELECT COUNT(*) AS n FROM accounts')).rows[0].n)).toBe(2);
    } finally {
      await client.end();
    }
  });

  it('every PostgreSQL table is copied or deliberately left out', async () => {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
      const planned = [...COPY_PLAN.map((t) => t.table), ...Object.keys(NOT_COPIED).filter((t) => rows.some((r) => r.table_name === t))].sort();
      expect(rows.map((r) => r.table_name)).toEqual(planned);
    } finally {
      await client.end();
    }
  });

  it('a URL that is not PostgreSQL, and a configuration already on PostgreSQL, get one line each', async () => {
    const notPg = await cli(single.env, 'db', 'copy', '--to', 'mysql://root@127.0.0.1/mail');
    expect(notPg.code).toBe(1);
    expect(notPg.stderr.trim()).toBe('mailroom: --to must be a postgres:// or postgresql:// URL, not "mysql://root@127.0.0.1/mail"');
    const onPg = await cli({ ...single.env, MAILROOM_DATABASE_URL: target.url }, 'db', 'copy', '--to', target.url);
    expect(onPg.code).toBe(1);
    expect(onPg.stderr.trim()).toMatch(/^mailroom: db copy copies the embedded SQLite store, but database.url already points to postgres:/);
  });
});
