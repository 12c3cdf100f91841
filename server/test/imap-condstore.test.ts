// CONDSTORE (RFC 7162) against the real service: with imapflow (it ENABLEs CONDSTORE itself and then asks
// for MODSEQ, CHANGEDSINCE and UNCHANGEDSINCE) and with Python's imaplib for the raw exchanges: ENABLE,
// SELECT (CONDSTORE) and HIGHESTMODSEQ, STATUS HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE
// UNCHANGEDSINCE answered [MODIFIED], SEARCH MODSEQ, and MODSEQ in what another session's change reports.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('cora@example.test', 'cora-pw');
  await stack.addAccount('flo@example.test', 'flo-pw');
  for (let i = 1; i <= 4; i++) await stack.deliver('cora@example.test', plain(`message ${i}`));
  for (let i = 1; i <= 3; i++) await stack.deliver('flo@example.test', plain(`message ${i}`));
});

afterAll(async () => {
  await stack?.stop();
});

const imaplib = (body: string) =>
  python(
    `
import imaplib, os, re
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('cora@example.test', 'cora-pw')
def raw(line, conn=m):
    tag = line.split(' ')[0]
    conn.send((line + '\\r\\n').encode())
    out = []
    while True:
        l = conn.readline().decode().rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
def show(line, conn=m):
    for l in raw(line, conn): print(l)
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

describe('CONDSTORE with imaplib', () => {
  it('advertises CONDSTORE, ENABLEs it once, and reports HIGHESTMODSEQ in SELECT and STATUS', async () => {
    const out = await imaplib(`
print('caps', ' '.join(m.capabilities))
show('a1 STATUS INBOX (MESSAGES HIGHESTMODSEQ)')
show('a2 ENABLE CONDSTORE X-UNKNOWN')
show('a3 ENABLE CONDSTORE')
show('a4 EXAMINE INBOX')
show('a5 SELECT INBOX (CONDSTORE)')
show('a6 SELECT INBOX (BOGUS)')
`);
    expect(out).toMatch(/^caps .*\bCONDSTORE\b/m);
    const status = /^\* STATUS INBOX \(MESSAGES 4 HIGHESTMODSEQ (\d+)\)$/m.exec(out);
    expect(status).not.toBeNull();
    expect(out).toContain('* ENABLED CONDSTORE\na2 OK');
    expect(out).toContain('* ENABLED\na3 OK');
    expect(out).toContain(`* OK [HIGHESTMODSEQ ${status![1]}] Highest`);
    expect(out).toMatch(/^a5 OK \[READ-WRITE\]/m);
    expect(out).toMatch(/^a6 BAD Unexpected modifier BOGUS/m);
  });

  it('FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE with [MODIFIED], SEARCH MODSEQ', async () => {
    const out = await imaplib(`
lines = raw('b1 SELECT INBOX')
highest = int(re.search(r'HIGHESTMODSEQ (\\d+)', '\\n'.join(lines)).group(1))
show('b2 FETCH 1:* (MODSEQ)')
show('b3 STORE 2 +FLAGS (\\\\Flagged)')
lines = raw('b4 FETCH 1:* (FLAGS) (CHANGEDSINCE %d)' % highest)
for l in lines: print(l)
m2 = re.search(r'MODSEQ \\((\\d+)\\)', '\\n'.join(lines)).group(1)
print('m2', m2, 'above', int(m2) > highest)
show('b5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE %s)' % m2)
# 2 changed after the old highest: refused; 1 and 3 not; .SILENT still reports MODSEQ.
show('b6 STORE 1:3 (UNCHANGEDSINCE %d) +FLAGS.SILENT (\\\\Seen)' % highest)
show('b7 UID STORE 4 (UNCHANGEDSINCE 0) +FLAGS (\\\\Seen)')
show('b8 SEARCH MODSEQ %s' % m2)
show('b9 SEARCH RETURN (COUNT) MODSEQ "/flags/\\\\\\\\seen" all %d' % (highest + 1))
show('b10 SEARCH MODSEQ 999999999')
show('b11 STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\\\Seen)')
show('b12 FETCH 1 (FLAGS) (CHANGEDSINCE)')
`);
    expect(out).toMatch(/^\* 1 FETCH \(MODSEQ \(\d+\)\)$/m);
    expect(out).toMatch(/^\* 4 FETCH \(MODSEQ \(\d+\)\)\nb2 OK/m);
    // CHANGEDSINCE: only message 2, with its MODSEQ added.
    expect(out).toMatch(/^\* 2 FETCH \(FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)\nb4 OK/m);
    expect(out).toContain(' above True\n');
    expect(out).toMatch(/^b5 OK/m);
    expect(out).not.toMatch(/FETCH[^\n]*\nb5 OK/);
    expect(out).toMatch(/^\* 1 FETCH \(MODSEQ \(\d+\)\)\n\* 3 FETCH \(MODSEQ \(\d+\)\)\nb6 OK \[MODIFIED 2\]/m);
    expect(out).toMatch(/^b7 OK \[MODIFIED \d+\]/m);
    expect(out).toMatch(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)\nb8 OK/m);
    expect(out).toMatch(/^\* ESEARCH \(TAG "b9"\) COUNT 3 MODSEQ \d+\nb9 OK/m);
    expect(out).toContain('* SEARCH\nb10 OK');
    expect(out).toMatch(/^b11 BAD /m);
    expect(out).toMatch(/^b12 BAD /m);
  });

  it("tells a CONDSTORE session of another session's flag change with its MODSEQ", async () => {
    const out = await imaplib(`
other = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.login('cora@example.test', 'cora-pw')
show('c1 SELECT INBOX (CONDSTORE)')
show('o1 SELECT INBOX', other)
show('o2 STORE 4 +FLAGS.SILENT ($Later)', other)
show('c2 NOOP')
`);
    expect(out).toMatch(/^\* 4 FETCH \(UID \d+ FLAGS \([^)]*\$Later[^)]*\) MODSEQ \(\d+\)\)$/m);
  });
});

describe('CONDSTORE with imapflow', () => {
  it('enables CONDSTORE, reads modseqs, fetches changes since and stores conditionally', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: stack.ports.imap, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'flo@example.test', pass: 'flo-pw' }, logger: false });
    await client.connect();
    try {
      expect(client.enabled.has('CONDSTORE')).toBe(true);
      const box = await client.mailboxOpen('INBOX');
      const highest = box.highestModseq!;
      expect(highest).toBeGreaterThan(0n);
      const all = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true })) all.push(m);
      expect(all.map((m) => typeof m.modseq)).toEqual(['bigint', 'bigint', 'bigint']);
      expect(all.every((m) => m.modseq! <= highest)).toBe(true);
      await client.messageFlagsAdd('2', ['\\Answered']);
      const changed = [];
      for await (const m of client.fetch('1:*', { flags: true }, { changedSince: highest })) changed.push(m);
      expect(changed.map((m) => m.seq)).toEqual([2]);
      expect(changed[0]!.modseq!).toBeGreaterThan(highest);
      // Message 2 changed after `highest`: the conditional store leaves it and changes 1 and 3.
      await client.messageFlagsAdd('1:3', ['$Checked'], { unchangedSince: highest });
      const after = [];
      for await (const m of client.fetch('1:*', { flags: true })) after.push([m.seq, m.flags!.has('$Checked')]);
      expect(after).toEqual([
        [1, true],
        [2, false],
        [3, true],
      ]);
      const status = await client.status('INBOX', { highestModseq: true });
      if (!status) throw new Error('no STATUS');
      expect(status.highestModseq!).toBeGreaterThan(changed[0]!.modseq!);
    } finally {
      await client.logout();
    }
  });
});
