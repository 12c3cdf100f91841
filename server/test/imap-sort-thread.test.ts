// SORT and THREAD (RFC 5256) with Python's imaplib against the real service: SORT and UID SORT on every
// key with REVERSE and a search, THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (sequence numbers and UIDs),
// the capabilities, and the errors (unknown key, algorithm or charset).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const mail = (h: { from: string; to: string; cc?: string; subject: string; date: string; id: string; refs?: string; inReplyTo?: string; body?: string }) =>
  [
    `From: ${h.from}`,
    `To: ${h.to}`,
    ...(h.cc ? [`Cc: ${h.cc}`] : []),
    `Subject: ${h.subject}`,
    `Date: ${h.date}`,
    `Message-ID: ${h.id}`,
    ...(h.refs ? [`References: ${h.refs}`] : []),
    ...(h.inReplyTo ? [`In-Reply-To: ${h.inReplyTo}`] : []),
    '',
    h.body ?? 'Hello.',
    '',
  ].join('\r\n');

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('tess@example.test', 'tess-pw');
  const messages = [
    // 1: a thread root, sent last of all but delivered first.
    mail({ from: 'Zoe <zoe@remote.test>', to: 'bob@example.test', subject: 'Plans', date: 'Wed, 4 Mar 2026 12:00:00 +0000', id: '<plans@x>', body: 'x'.repeat(300) }),
    // 2: a reply to 1 (In-Reply-To only), in another time zone: 10:00 UTC on the 4th.
    mail({ from: 'adam@remote.test', to: 'carl@example.test', cc: 'zed@remote.test', subject: 'Re: plans', date: 'Wed, 4 Mar 2026 11:00:00 +0100', id: '<re1@x>', inReplyTo: '<plans@x>' }),
    // 3: unrelated, earliest sent.
    mail({ from: 'mia@remote.test', to: 'anna@example.test', cc: 'amy@remote.test', subject: '[list] Agenda', date: 'Mon, 2 Mar 2026 08:00:00 +0000', id: '<agenda@x>', body: 'y'.repeat(50) }),
    // 4: reply to 2 through References.
    mail({ from: 'Bea <bea@remote.test>', to: 'dora@example.test', subject: 'Re: Re: Plans', date: 'Thu, 5 Mar 2026 09:00:00 +0000', id: '<re2@x>', refs: '<plans@x> <re1@x>' }),
    // 5: no references, same base subject as 3: gathered with it by REFERENCES.
    mail({ from: 'ivy@remote.test', to: 'bob@example.test', subject: 'Fwd: Agenda', date: 'Tue, 3 Mar 2026 08:00:00 +0000', id: '<fwd@x>' }),
  ];
  // Apart by a few milliseconds: two deliveries in one millisecond share an arrival time, and ARRIVAL then
  // orders them by sequence number both ways (RFC 5256), which is right but not what this test checks.
  for (const m of messages) {
    await stack.deliver('tess@example.test', m);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

afterAll(async () => {
  await stack?.stop();
});

const session = (body: string) =>
  python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('tess@example.test', 'tess-pw')
m.select('INBOX')
def show(label, r):
    typ, data = r
    print(label, typ, ' '.join(d.decode() if isinstance(d, bytes) else str(d) for d in data))
def attempt(label, f):
    try: show(label, f())
    except m.error as e: print(label, 'ERR', e)
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

describe('SORT', () => {
  it('is advertised with both THREAD algorithms', async () => {
    const out = await session(`print('caps', ' '.join(m.capabilities))`);
    expect(out).toMatch(/^caps .*\bSORT\b.*\bTHREAD=ORDEREDSUBJECT\b.*\bTHREAD=REFERENCES\b/m);
  });

  it('orders by every RFC 5256 key, REVERSE per key, over the messages a search matches', async () => {
    const out = await session(`
for crit in ['(DATE)', '(REVERSE DATE)', '(ARRIVAL)', '(REVERSE ARRIVAL)', '(SUBJECT DATE)', '(FROM)', '(TO)', '(CC DATE)', '(SIZE)', '(REVERSE SIZE ARRIVAL)']:
    show(crit, m.sort(crit, 'UTF-8', 'ALL'))
show('search', m.sort('(DATE)', 'UTF-8', 'NOT', 'FROM', 'zoe', 'SUBJECT', 'plans'))
show('uid', m.uid('SORT', '(REVERSE DATE)', 'UTF-8', 'ALL'))
show('none', m.sort('(DATE)', 'UTF-8', 'SUBJECT', 'nothing-matches'))
`);
    expect(out).toContain('(DATE) OK 3 5 2 1 4\n');
    expect(out).toContain('(REVERSE DATE) OK 4 1 2 5 3\n');
    expect(out).toContain('(ARRIVAL) OK 1 2 3 4 5\n');
    expect(out).toContain('(REVERSE ARRIVAL) OK 5 4 3 2 1\n');
    // Base subjects: "Agenda" (3, 5) before "Plans" (2, 1, 4 by date).
    expect(out).toContain('(SUBJECT DATE) OK 3 5 2 1 4\n');
    // First From mailbox: adam, bea, ivy, mia, zoe.
    expect(out).toContain('(FROM) OK 2 4 5 3 1\n');
    // To: anna, bob (1, then 5), carl, dora.
    expect(out).toContain('(TO) OK 3 1 5 2 4\n');
    // No Cc sorts as the empty string, first: 5, 1, 4 by date, then amy (3), zed (2).
    expect(out).toContain('(CC DATE) OK 5 1 4 3 2\n');
    expect(out).toMatch(/\(SIZE\) OK \d( \d){4}\n/);
    expect(out).toMatch(/\(REVERSE SIZE ARRIVAL\) OK 1 3 /);
    expect(out).toContain('search OK 2 4\n');
    expect(out).toMatch(/^uid OK (\d+) (\d+) (\d+) (\d+) (\d+)$/m);
    expect(out).toContain('none OK \n');
  });

  it('answers bad criteria with BAD and an unknown charset with NO [BADCHARSET]', async () => {
    const out = await session(`
attempt('key', lambda: m.sort('(COLOR)', 'UTF-8', 'ALL'))
attempt('dangling', lambda: m.sort('(DATE REVERSE)', 'UTF-8', 'ALL'))
attempt('empty', lambda: m.sort('()', 'UTF-8', 'ALL'))
attempt('charset', lambda: m.sort('(DATE)', 'KOI8-R', 'ALL'))
attempt('nocharset', lambda: m.sort('(DATE)', 'ALL'))
`);
    expect(out).toMatch(/^key ERR .*Unknown sort key "COLOR"/m);
    expect(out).toMatch(/^dangling ERR .*Expected a sort key/m);
    expect(out).toMatch(/^empty ERR .*Expected a sort key/m);
    expect(out).toMatch(/^charset NO \[BADCHARSET \(US-ASCII UTF-8\)\]/m);
    expect(out).toMatch(/^nocharset ERR /m);
  });
});

describe('THREAD', () => {
  it('threads by ORDEREDSUBJECT and REFERENCES, as sequence numbers and as UIDs', async () => {
    const out = await session(`
show('ordered', m.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL'))
show('refs', m.thread('REFERENCES', 'UTF-8', 'ALL'))
show('refs-search', m.thread('REFERENCES', 'UTF-8', 'NOT', 'HEADER', 'Message-ID', 're1'))
show('uid', m.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL'))
typ, data = m.uid('SEARCH', 'ALL')
print('uids', data[0].decode())
attempt('algo', lambda: m.thread('JWZ', 'UTF-8', 'ALL'))
`);
    // ORDEREDSUBJECT: "Agenda" starts earliest (3, then 5 as its child); "Plans" by date: 2, then 1 and 4.
    expect(out).toContain('ordered OK (3 5)(2 (1)(4))\n');
    // REFERENCES: 1 <- 2 <- 4 by Message-ID; 5 ("Fwd: Agenda") is gathered under 3 ("[list] Agenda").
    expect(out).toContain('refs OK (3 5)(1 2 4)\n');
    // Without 2 its place is a dummy with one child, so 4 hangs straight under 1.
    expect(out).toContain('refs-search OK (3 5)(1 4)\n');
    const uids = /^uids (.*)$/m.exec(out)![1]!.split(' ');
    expect(out).toContain(`uid OK (${uids[2]} ${uids[4]})(${uids[0]} ${uids[1]} ${uids[3]})\n`);
    expect(out).toMatch(/^algo ERR .*Unknown threading algorithm "JWZ"/m);
  });
});
