// `mailroom backup` while mail flows (issue 19, "Must show"): a python3 smtplib sender pushes mail through
// SMTP without pause; once some messages are acknowledged the backup runs, the sender keeps going during
// it, and the backup is restored into a new data directory. A server started there holds every message
// acknowledged before the backup started (read over IMAP). Also: restore refuses a data directory a
// server holds, or one that is not empty, and a file that is not a Mailroom database; backup on
// PostgreSQL points to pg_dump.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { waitFor } from './helpers/mailbox.ts';
import { readMailbox, withImap } from './helpers/imap-read.ts';

const ADDRESS = 'alice@backup.test';
const PASSWORD = 'alice-backup-pw';

let source: MailroomProcess;
let restored: MailroomProcess | null = null;
let sender: ChildProcess | null = null;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-backup-'));

/** Sends on one SMTP connection until killed; prints "ACK n" once the server answered 250 for message n. */
const SENDER = `
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)
s.ehlo('load.test')
i = 0
while True:
    i += 1
    s.sendmail('load@remote.test', ['${ADDRESS}'], ('From: load@remote.test\\r\\nTo: ${ADDRESS}\\r\\nSubject: load %d\\r\\n\\r\\nmessage %d\\r\\n' % (i, i)).encode())
    print('ACK %d' % i, flush=True)
`;

function startSender(port: number, acked: Set<string>): ChildProcess {
  const child = spawn('python3', ['-c', SENDER, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('ACK ')) acked.add(`load ${line.slice(4)}`);
  });
  return child;
}

async function cliFails(mr: MailroomProcess, ...args: string[]): Promise<string> {
  try {
    await mr.cli(...args);
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`mailroom ${args.join(' ')} succeeded`);
}

beforeAll(async () => {
  source = await MailroomProcess.create();
  await source.cli('domain', 'add', 'backup.test');
  await source.cli('account', 'add', ADDRESS, '--password', PASSWORD);
  await source.start();
});

afterAll(async () => {
  sender?.kill('SIGKILL');
  await source?.stop();
  await restored?.stop();
  source?.cleanup();
  restored?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup while mail flows, restore into a new data directory', () => {
  const backupFile = path.join(work, 'nightly', 'mailroom-backup.db');

  it('backs up while a sender keeps pushing mail, with a progress line and a count line', async () => {
    const acked = new Set<string>();
    sender = startSender(source.ports.smtp, acked);
    await waitFor(
      () => acked.size,
      (n) => n >= 30,
      30_000,
      '30 acknowledged messages',
    );
    const beforeBackup = [...acked];
    const started = Date.now();
    const output = await source.cli('backup', backupFile);
    const afterBackup = acked.size;
    console.log(`backup under load: ${beforeBackup.length} messages acknowledged before it, ${afterBackup - beforeBackup.length} during it (${Date.now() - started} ms, process start included)`);
    await waitFor(
      () => acked.size,
      (n) => n >= afterBackup + 10,
      30_000,
      'more mail after the backup',
    );
    sender.kill('SIGTERM');
    sender = null;
    fs.writeFileSync(path.join(work, 'acked-before.json'), JSON.stringify(beforeBackup));

    expect(output).toMatch(/^backup: copying .*mailroom\.db \([\d.]+ MiB in use\) to /m);
    const counts = /^backup: .*: (\d+) messages in (\d+) mailboxes of (\d+) accounts, (\d+) queued/m.exec(output);
    expect(counts, output).not.toBeNull();
    expect(Number(counts![1]) + Number(counts![4])).toBeGreaterThanOrEqual(beforeBackup.length);
    expect(Number(counts![2])).toBe(5); // INBOX, Sent, Drafts, Trash, Junk
    expect(Number(counts![3])).toBe(1);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(backupFile))).toEqual(['mailroom-backup.db']); // nothing left aside
  });

  it('refuses to restore into the data directory of a running server, naming the process', async () => {
    const stderr = await cliFails(source, 'restore', backupFile);
    expect(stderr).toContain(`mailroom: the data directory ${source.dataDir} is in use by mailroom process ${source.child!.pid}`);
  });

  it('restores into a new data directory; the server started there has every message acknowledged before the backup', async () => {
    restored = await MailroomProcess.create();
    const output = await restored.cli('restore', backupFile);
    expect(output).toMatch(/^restore: .* is a Mailroom database: \d+ messages in 5 mailboxes of 1 accounts/m);
    expect(output).toContain(`restored into ${path.join(restored.dataDir, 'mailroom.db')}`);
    await restored.start();
    const beforeBackup = JSON.parse(fs.readFileSync(path.join(work, 'acked-before.json'), 'utf8')) as string[];
    const subjects = await waitFor(
      async () => new Set((await withImap(restored!.ports.imap, ADDRESS, PASSWORD, (c) => readMailbox(c, 'INBOX'))).map((m) => m.subject)),
      (s) => beforeBackup.every((subject) => s.has(subject)),
      30_000,
      'every message acknowledged before the backup',
    );
    expect(beforeBackup.filter((s) => !subjects.has(s))).toEqual([]);
  });

  it('refuses a data directory that is not empty, naming what is there', async () => {
    await restored!.stop();
    const stderr = await cliFails(restored!, 'restore', backupFile);
    expect(stderr).toMatch(/restore needs an empty data directory; .* holds .*mailroom\.db/);
    await restored!.start();
  });

  it('refuses a file that is not a Mailroom database', async () => {
    const empty = await MailroomProcess.create();
    try {
      const notSqlite = path.join(work, 'notes.txt');
      fs.writeFileSync(notSqlite, 'hello\n');
      expect(await cliFails(empty, 'restore', notSqlite)).toContain('is not a Mailroom database: not an SQLite file');
      expect(fs.readdirSync(empty.dataDir)).toEqual([]); // nothing restored, the lock released
    } finally {
      empty.cleanup();
    }
  });

  it('on PostgreSQL, backup says to use pg_dump', async () => {
    const pg = await MailroomProcess.create({ env: { MAILROOM_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mailroom' } });
    try {
      expect(await cliFails(pg, 'backup', path.join(work, 'pg.db'))).toContain('use pg_dump');
      expect(await cliFails(pg, 'restore', backupFile)).toContain('use pg_restore');
    } finally {
      pg.cleanup();
    }
  });
});
