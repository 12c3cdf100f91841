// `mailroom mailbox export|import` against a running server: mail delivered over SMTP and flagged over
// IMAP is exported as mbox, which Debian's mutt opens with every message and the flags (mutt runs under
// script(1) for a terminal; its status line reports the counts) and Python's mailbox module reads too;
// importing the mbox into another account keeps the flags. A maildir export of every mailbox, imported
// into a third account, gives back the same folders, flags and bytes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { sendMail } from './helpers/send.ts';
import { readMailbox, withImap, type SeenMessage } from './helpers/imap-read.ts';
import { requireCommand } from './helpers/tools.ts';

const ALICE = 'alice@export.test';
const BOB = 'bob@export.test';
const CAROL = 'carol@export.test';
const PASSWORD = 'export-test-pw';
const MESSAGES = 12;

let mr: MailroomProcess;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-export-'));

const message = (i: number) =>
  `From: sender@remote.test\r\nTo: ${ALICE}\r\nSubject: message ${i}\r\nStatus: RO\r\n\r\nline one of ${i}\r\nFrom the start of a line\r\n>From an already quoted line\r\n`;

const imap = <T>(user: string, fn: Parameters<typeof withImap<T>>[3]) => withImap(mr.ports.imap, user, PASSWORD, fn);
const bySubject = (messages: SeenMessage[]) => Object.fromEntries(messages.map((m) => [m.subject, m.flags]));

beforeAll(async () => {
  mr = await MailroomProcess.create();
  await mr.cli('domain', 'add', 'export.test');
  for (const a of [ALICE, BOB, CAROL]) await mr.cli('account', 'add', a, '--password', PASSWORD);
  await mr.start();
  for (let i = 1; i <= MESSAGES; i++) await sendMail({ port: mr.ports.smtp, from: 'sender@remote.test', to: [ALICE], content: message(i) });
  await imap(ALICE, async (c) => {
    await c.mailboxOpen('INBOX');
    await c.messageFlagsAdd('1', ['\\Seen', '$Work']);
    await c.messageFlagsAdd('2', ['\\Seen', '\\Flagged']);
    await c.messageFlagsAdd('3', ['\\Answered']);
    await c.messageFlagsAdd('4', ['\\Draft', '\\Deleted']);
    await c.mailboxCreate('Archive/2024');
    await c.append('Archive/2024', 'From: me@export.test\r\nSubject: archived\r\n\r\nold\r\n', ['\\Seen', '\\Flagged'], new Date('2024-03-01T12:00:00Z'));
  });
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('mbox export', () => {
  const mbox = path.join(work, 'alice.mbox');

  it('writes every INBOX message with its flags in Status/X-Status headers', async () => {
    const output = await mr.cli('mailbox', 'export', ALICE, '--format', 'mbox', '--output', mbox);
    expect(output).toContain(`exported ${MESSAGES} messages from 1 mailboxes of ${ALICE}`);
    const text = fs.readFileSync(mbox, 'latin1');
    expect(text.match(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/gm)).toHaveLength(MESSAGES);
    expect(text).toContain('\n>From the start of a line\n>>From an already quoted line\n'); // mboxrd quoting
    expect(text).not.toContain('\r\n');
    expect(text.match(/^Status: /gm)).toHaveLength(MESSAGES); // the sender's own Status header was replaced
  });

  it("opens in Debian's mutt with every message, the flagged one and the unread ones", () => {
    if (!requireCommand('mutt', "the mbox export is checked with Debian's mutt")) return;
    const home = fs.mkdtempSync(path.join(work, 'home-'));
    fs.mkdirSync(path.join(home, 'Mail'));
    // mutt wants a terminal: script(1) gives it one; the status line carries the counts; <quit> ends it.
    const muttCommand = `mutt -n -F /dev/null -R -f ${mbox} -e 'set status_format="MUTTCOUNT m=%m F=%F u=%u"' -e 'push <quit>'`;
    const screen = execFileSync('script', ['-qec', muttCommand, '/dev/null'], { env: { ...process.env, HOME: home, TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).toString(
      'latin1',
    );
    const status = /MUTTCOUNT m=(\d+) F=(\d+) u=(\d+)/.exec(screen);
    expect(status, screen).not.toBeNull();
    expect(Number(status![1])).toBe(MESSAGES);
    expect(Number(status![2])).toBe(1); // message 2
    expect(Number(status![3])).toBe(MESSAGES - 2); // all but messages 1 and 2 are unread
  });

  it("reads the same in Python's mailbox module", async () => {
    const out = await python(`import mailbox\nfor m in mailbox.mbox('${mbox}'):\n    print(m['Subject'] + '|' + (m.get('Status') or '') + '|' + (m.get('X-Status') or ''))`);
    const rows = out.trim().split('\n');
    expect(rows).toHaveLength(MESSAGES);
    expect(rows.slice(0, 4)).toEqual(['message 1|RO|', 'message 2|RO|F', 'message 3|O|A', 'message 4|O|TD']);
  });

  it('imports into another account, into a named mailbox, with the flags kept', async () => {
    const output = await mr.cli('mailbox', 'import', BOB, mbox, '--mailbox', 'From Alice');
    expect(output).toContain(`imported ${MESSAGES} messages into 1 mailboxes of ${BOB}`);
    const original = await imap(ALICE, (c) => readMailbox(c, 'INBOX'));
    const imported = await imap(BOB, (c) => readMailbox(c, 'From Alice'));
    expect(bySubject(imported)).toEqual(bySubject(original));
    expect(bySubject(imported)['message 1']).toEqual(['$Work', '\\Seen']);
    // Same bytes as delivered, apart from the Status header the export replaced with the flags.
    const strip = (b: Buffer) => b.toString('latin1').replace(/^Status: .*\r\n/m, '');
    expect(imported.map((m) => strip(m.source))).toEqual(original.map((m) => strip(m.source)));
  });
});

describe('maildir export', () => {
  const maildir = path.join(work, 'alice.maildir');

  // 7: the five standard mailboxes, Archive (made as the parent of Archive/2024) and Archive/2024
  it('writes every mailbox as a Maildir++ folder with the flags in the file names', async () => {
    const output = await mr.cli('mailbox', 'export', ALICE, '--format', 'maildir', '--output', maildir);
    expect(output).toContain(`exported ${MESSAGES + 1} messages from 7 mailboxes of ${ALICE}`);
    const inbox = fs.readdirSync(path.join(maildir, 'cur')).sort((a, b) => Number(/U(\d+)\./.exec(a)![1]) - Number(/U(\d+)\./.exec(b)![1]));
    expect(inbox).toHaveLength(MESSAGES);
    expect(inbox.slice(0, 4).map((n) => n.slice(n.indexOf(':')))).toEqual([':2,S', ':2,FS', ':2,R', ':2,DT']);
    const archived = fs.readdirSync(path.join(maildir, '.Archive.2024', 'cur'));
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/:2,FS$/);
    expect(fs.statSync(path.join(maildir, '.Archive.2024', 'cur', archived[0]!)).mtime.toISOString()).toBe('2024-03-01T12:00:00.000Z');
  });

  it('imports into another account: the same folders, flags (keywords aside) and bytes', async () => {
    const output = await mr.cli('mailbox', 'import', CAROL, maildir);
    expect(output).toContain(`imported ${MESSAGES + 1} messages into 7 mailboxes of ${CAROL}`);
    for (const folder of ['INBOX', 'Archive/2024']) {
      const original = await imap(ALICE, (c) => readMailbox(c, folder));
      const imported = await imap(CAROL, (c) => readMailbox(c, folder));
      const withoutKeywords = (m: SeenMessage[]) => Object.fromEntries(Object.entries(bySubject(m)).map(([s, f]) => [s, f.filter((x) => x.startsWith('\\'))]));
      expect(withoutKeywords(imported)).toEqual(withoutKeywords(original));
      expect(imported.map((m) => m.source.toString('latin1'))).toEqual(original.map((m) => m.source.toString('latin1')));
    }
  });

  it('refuses an output that exists and an account that does not', async () => {
    await expect(mr.cli('mailbox', 'export', ALICE, '--format', 'maildir', '--output', maildir)).rejects.toMatchObject({ stderr: expect.stringContaining('exists') });
    await expect(mr.cli('mailbox', 'export', 'nobody@export.test', '--format', 'mbox', '--output', path.join(work, 'x.mbox'))).rejects.toMatchObject({
      stderr: 'mailroom: no account nobody@export.test\n',
    });
    await expect(mr.cli('mailbox', 'export', ALICE, '--format', 'eml')).rejects.toMatchObject({ stderr: expect.stringContaining('--format must be mbox or maildir') });
  });
});
