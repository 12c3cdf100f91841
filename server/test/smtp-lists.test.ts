// Distribution lists and catch-alls with real clients (docs/addresses.md): Python's smtplib sends to the MX
// and the submission port of a real server process, configured with the `mailroom list`/`catchall`
// commands; local members get the mail in their mailboxes (read back with poplib), a remote member gets it
// at an SMTP sink reached by a route. Nested lists are followed once each, so a loop ends and nobody gets
// two copies; members-only and authenticated-only lists refuse others with 550 5.7.1; a catch-all gets
// unknown local parts while accounts, aliases and lists keep theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

/** Sends one message with smtplib (logged in when `login` is given) and returns the refused recipients. */
async function send(port: number, from: string, to: string[], subject: string, login?: [string, string]): Promise<Record<string, [number, string]>> {
  const out = await python(
    `
import json, os, smtplib
to = json.loads(os.environ['TO'])
msg = 'From: ' + os.environ['FROM'] + '\\r\\nTo: ' + ', '.join(to) + '\\r\\nSubject: ' + os.environ['SUBJECT'] + '\\r\\n\\r\\nHello.\\r\\n'
with smtplib.SMTP('127.0.0.1', int(os.environ['PORT'])) as s:
    if os.environ.get('USER'):
        s.ehlo()
        s.starttls()
        s.login(os.environ['USER'], os.environ['PASS'])
    try:
        refused = s.sendmail(os.environ['FROM'], to, msg)
    except smtplib.SMTPRecipientsRefused as e:
        refused = e.recipients
print(json.dumps({k: [v[0], v[1].decode()] for k, v in refused.items()}))
`,
    { PORT: String(port), FROM: from, TO: JSON.stringify(to), SUBJECT: subject, USER: login?.[0] ?? '', PASS: login?.[1] ?? '' },
  );
  return JSON.parse(out) as Record<string, [number, string]>;
}

/** The subjects in a mailbox, read with poplib. */
async function popSubjects(port: number, user: string, pass: string): Promise<string[]> {
  const out = await python(
    `
import json, os, poplib
p = poplib.POP3('127.0.0.1', int(os.environ['PORT']))
p.stls()
p.user(os.environ['USER']); p.pass_(os.environ['PASS'])
subjects = []
for i in range(1, p.stat()[0] + 1):
    for line in p.retr(i)[1]:
        if line.startswith(b'Subject: '): subjects.append(line[9:].decode())
p.quit()
print(json.dumps(subjects))
`,
    { PORT: String(port), USER: user, PASS: pass },
  );
  return JSON.parse(out) as string[];
}

const copies = (mr: MailroomProcess, address: string, subject: string) => mailboxContents(mr.dataDir, address, 'INBOX').filter((m) => m.content.includes(`Subject: ${subject}\r\n`)).length;
const arrived = (mr: MailroomProcess, address: string, subject: string) =>
  waitFor(
    () => copies(mr, address, subject),
    (n) => n >= 1,
    10_000,
    `"${subject}" for ${address}`,
  );

describe('distribution lists and catch-alls', () => {
  let mr: MailroomProcess;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    mr = await MailroomProcess.create();
    const cli = (...args: string[]) => mr.cli(...args);
    await cli('domain', 'add', 'example.test');
    await cli('domain', 'add', 'other.test');
    for (const user of ['alice', 'bob', 'carol', 'dave']) await cli('account', 'add', `${user}@example.test`, '--password', `${user} pw`);
    await cli('alias', 'add', 'sales@example.test', 'dave@example.test');
    await cli('route', 'add', 'remote.test', `127.0.0.1:${sink.port}`, '--security', 'opportunistic');
    // team: alice, a remote address and the list "all"; all: bob, team again (the loop) and itself.
    await cli('list', 'add', 'team@example.test');
    await cli('list', 'add', 'all@example.test');
    await cli('list', 'members', 'add', 'team@example.test', 'alice@example.test');
    await cli('list', 'members', 'add', 'team@example.test', 'friend@remote.test');
    await cli('list', 'members', 'add', 'team@example.test', 'all@example.test');
    await cli('list', 'members', 'add', 'all@example.test', 'bob@example.test');
    await cli('list', 'members', 'add', 'all@example.test', 'alice@example.test');
    await cli('list', 'members', 'add', 'all@example.test', 'team@example.test');
    await cli('list', 'members', 'add', 'all@example.test', 'all@example.test');
    await cli('list', 'add', 'staff@example.test', '--policy', 'members');
    await cli('list', 'members', 'add', 'staff@example.test', 'carol@example.test');
    await cli('list', 'add', 'board@example.test', '--policy', 'authenticated');
    await cli('list', 'members', 'add', 'board@example.test', 'bob@example.test');
    await cli('catchall', 'set', 'other.test', 'carol@example.test');
    await cli('catchall', 'set', 'example.test', 'dave@example.test');
    await mr.start();
  }, 180_000);

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
    await sink?.close();
  });

  it('a list reaches its local members (POP3) and its remote member (SMTP sink); nested lists loop once, no duplicates', async () => {
    expect(await send(mr.ports.smtp, 'x@outside.test', ['team@example.test'], 'to team')).toEqual({});
    await arrived(mr, 'alice@example.test', 'to team');
    await arrived(mr, 'bob@example.test', 'to team');
    await waitFor(
      () => sink.received.filter((m) => m.content.includes('Subject: to team')),
      (m) => m.length === 1,
      15_000,
      'the remote member',
    );
    expect(sink.received.find((m) => m.content.includes('Subject: to team'))!.rcptTo).toEqual(['friend@remote.test']);
    expect(await popSubjects(mr.ports.pop3, 'alice@example.test', 'alice pw')).toEqual(['to team']);
    expect(copies(mr, 'bob@example.test', 'to team')).toBe(1);
    expect(copies(mr, 'carol@example.test', 'to team')).toBe(0);
  });

  it('a members-only list refuses a non-member with 550 5.7.1 and takes mail from a member', async () => {
    const refused = await send(mr.ports.smtp, 'x@outside.test', ['staff@example.test'], 'from outside');
    expect(refused['staff@example.test']![0]).toBe(550);
    expect(refused['staff@example.test']![1]).toMatch(/^5\.7\.1 .*members only/);
    expect(await send(mr.ports.smtp, 'Carol@example.test', ['staff@example.test'], 'from carol')).toEqual({});
    await arrived(mr, 'carol@example.test', 'from carol');
  });

  it('an authenticated-only list refuses an anonymous sender and takes mail from a logged-in one', async () => {
    const refused = await send(mr.ports.smtp, 'bob@example.test', ['board@example.test'], 'anonymous');
    expect(refused['board@example.test']![0]).toBe(550);
    expect(refused['board@example.test']![1]).toMatch(/^5\.7\.1 .*authenticated senders only/);
    expect(await send(mr.ports.submission, 'alice@example.test', ['board@example.test'], 'logged in', ['alice@example.test', 'alice pw'])).toEqual({});
    await arrived(mr, 'bob@example.test', 'logged in');
  });

  it('a catch-all gets unknown local parts; accounts, aliases and lists keep theirs', async () => {
    expect(await send(mr.ports.smtp, 'x@outside.test', ['whoever@other.test', 'nobody@example.test', 'bob@example.test', 'sales@example.test', 'all@example.test'], 'catch')).toEqual({});
    await arrived(mr, 'carol@example.test', 'catch');
    await arrived(mr, 'dave@example.test', 'catch');
    await arrived(mr, 'bob@example.test', 'catch');
    await arrived(mr, 'alice@example.test', 'catch');
    // dave is both the catch-all and sales@'s target: one copy.
    expect(copies(mr, 'dave@example.test', 'catch')).toBe(1);
    expect(copies(mr, 'bob@example.test', 'catch')).toBe(1);
  });

  it('after `catchall remove` unknown local parts are refused again (550 5.1.1)', async () => {
    await mr.cli('catchall', 'remove', 'other.test');
    expect(await mr.cli('catchall', 'list')).toBe('example.test -> dave@example.test\n');
    const refused = await send(mr.ports.smtp, 'x@outside.test', ['whoever@other.test'], 'after removal');
    expect(refused['whoever@other.test']![0]).toBe(550);
    expect(refused['whoever@other.test']![1]).toMatch(/^5\.1\.1 /);
  });
});
