// IMAP under input no client should send: unknown commands, wrong states, malformed and oversized
// literals, broken base64 in AUTHENTICATE, over-long lines and pipelined garbage. Each gets its BAD or
// NO, the session is closed only where it cannot continue, and the server keeps serving.
// IN-PROCESS until mail-server.ts starts the IMAP listener (see helpers/mail-stack.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { RawClient } from './helpers/raw-client.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start({ MAILROOM_SMTP_MAX_MESSAGE_SIZE_BYTES: '100000' });
  await stack.addAccount('judy@example.test', 'judy-pw');
  await stack.deliver('judy@example.test', plain('one'));
});

afterAll(async () => {
  await stack?.stop();
});

async function connected(login = false): Promise<RawClient> {
  const c = await RawClient.connect(stack.ports.imap);
  await c.waitFor(/^\* OK .*\r\n/);
  if (login) await cmd(c, 'l1 LOGIN judy@example.test judy-pw');
  return c;
}

/** Sends a command and returns everything up to and including its tagged response line. */
const escape = (tag: string) => tag.replace(/[*+]/g, '\\$&');

async function cmd(c: RawClient, line: string | Buffer, tag = String(line).split(' ')[0]!): Promise<string> {
  const from = c.output.length;
  c.send(typeof line === 'string' ? `${line}\r\n` : line);
  return c.waitFor(new RegExp(`(^|\\r\\n)${escape(tag)} (OK|NO|BAD)[^\\r]*\\r\\n`), 5_000, from);
}

const tagged = (out: string, tag: string) => new RegExp(`(?:^|\\r\\n)(${escape(tag)} [^\\r]*)\\r\\n`).exec(out)?.[1];

describe('IMAP bad input', () => {
  it('answers BAD to unknown commands, bad tags and commands in the wrong state', async () => {
    const c = await connected();
    expect(tagged(await cmd(c, 'a1 FROBNICATE'), 'a1')).toBe('a1 BAD Unknown command FROBNICATE');
    expect(tagged(await cmd(c, 'a2 SELECT INBOX'), 'a2')).toBe('a2 BAD SELECT is not allowed in this state: log in first');
    expect(tagged(await cmd(c, 'a3 FETCH 1 FLAGS'), 'a3')).toBe('a3 BAD FETCH is not allowed in this state: log in first');
    expect(tagged(await cmd(c, '+bad NOOP', '*'), '*')).toBe('* BAD Missing or invalid tag');
    expect(tagged(await cmd(c, 'a4 UID NOOP'), 'a4')).toBe('a4 BAD UID NOOP is not a command');
    expect(tagged(await cmd(c, 'a5 LOGIN judy@example.test judy-pw'), 'a5')).toMatch(/^a5 OK \[CAPABILITY /);
    expect(tagged(await cmd(c, 'a6 LOGIN judy@example.test judy-pw'), 'a6')).toBe('a6 BAD LOGIN is not allowed in this state: already logged in');
    expect(tagged(await cmd(c, 'a7 FETCH 1 FLAGS'), 'a7')).toBe('a7 BAD FETCH is not allowed in this state: select a mailbox first');
    expect(tagged(await cmd(c, 'a8 SELECT NoSuchBox'), 'a8')).toBe('a8 NO [NONEXISTENT] Mailbox "NoSuchBox" does not exist');
    expect(tagged(await cmd(c, 'a9 EXAMINE INBOX'), 'a9')).toBe('a9 OK [READ-ONLY] EXAMINE completed');
    expect(tagged(await cmd(c, 'b1 STORE 1 +FLAGS (\\Seen)'), 'b1')).toBe('b1 NO [READ-ONLY] The mailbox is open read-only (EXAMINE)');
    expect(tagged(await cmd(c, 'b2 ENABLE CONDSTORE'), 'b2')).toBe('b2 BAD ENABLE is not allowed in this state: close the mailbox first');
    c.close();
  });

  it('answers BAD to malformed arguments', async () => {
    const c = await connected(true);
    await cmd(c, 's1 SELECT INBOX');
    const cases: Array<[string, string]> = [
      ['m1 FETCH 1:x FLAGS', 'm1 BAD Invalid number "x" in sequence set'],
      ['m2 FETCH 7 FLAGS', 'm2 BAD Invalid message sequence number'],
      ['m3 FETCH 1 (FLAGS', 'm3 BAD Missing arguments'],
      ['m4 FETCH 1 BODY[1.TEXT.FOO]', 'm4 BAD Unknown section "TEXT.FOO"'],
      ['m5 FETCH 1 BODY[MIME]', 'm5 BAD MIME needs a part number'],
      ['m6 STORE 1 +FLAGS (\\Bogus)', 'm6 BAD Unknown system flag \\Bogus'],
      ['m7 STORE 1 TOGGLE (\\Seen)', 'm7 BAD Expected FLAGS, +FLAGS or -FLAGS'],
      ['m8 SEARCH BEFORE 31-Feb-2024', 'm8 BAD Invalid date "31-Feb-2024"'],
      ['m9 SEARCH CHARSET KOI8-R TEXT x', 'm9 NO [BADCHARSET (US-ASCII UTF-8)] Charset KOI8-R is not supported'],
      ['n1 SEARCH NOT', 'n1 BAD Missing arguments'],
      ['n2 LOGIN "unterminated', 'n2 BAD Unterminated quoted string'],
      ['n3 SELECT "unterminated', 'n3 BAD Unterminated quoted string'],
      ['n4 CREATE "a\\x"', 'n4 BAD Only \\" and \\\\ may be escaped in a quoted string'],
      ['n5 CREATE a//b', 'n5 NO [CANNOT] mailbox name has an empty level (leading, trailing or doubled "/")'],
      ['n6 CREATE &Jjo', 'n6 NO [CANNOT] Mailbox name is not valid modified UTF-7'],
      ['n7 APPEND INBOX (\\Seen) "32-Jan-2024 00:00:00 +0000" {1+}\r\nx', 'n7 BAD Invalid date-time "32-Jan-2024 00:00:00 +0000"'],
      ['n8 APPEND INBOX {0}', 'n8 NO An empty message cannot be appended'],
      ['n9 NOOP extra', 'n9 BAD Unexpected characters after the arguments'],
    ];
    for (const [line, reply] of cases) {
      const tag = line.split(' ')[0]!;
      if (line.endsWith('{0}')) {
        // A synchronising literal: the server asks for it, then the empty line ends the command.
        c.send(`${line}\r\n`);
        await c.waitFor(/\+ Ready for literal data\r\n$/);
        expect(tagged(await cmd(c, '\r\n', tag), tag)).toBe(reply);
        continue;
      }
      expect(tagged(await cmd(c, line), tag)).toBe(reply);
    }
    expect(tagged(await cmd(c, 'z1 NOOP'), 'z1')).toBe('z1 OK NOOP completed');
    c.close();
  });

  it('refuses oversized literals before reading them, and closes on an oversized non-synchronising one', async () => {
    const c = await connected(true);
    expect(tagged(await cmd(c, 'o1 LOGIN {70000}'), 'o1')).toBe('o1 BAD [TOOBIG] Literal of 70000 octets is over the limit of 65536');
    expect(tagged(await cmd(c, 'o2 APPEND INBOX {100001}'), 'o2')).toBe('o2 NO [TOOBIG] Literal of 100001 octets is over the limit of 100000');
    expect(tagged(await cmd(c, 'o3 APPEND INBOX {99999999999999999999}'), 'o3')).toMatch(/^o3 NO \[TOOBIG\] /);
    expect(tagged(await cmd(c, 'o4 NOOP'), 'o4')).toBe('o4 OK NOOP completed');
    const out = await cmd(c, 'o5 CREATE {70000+}', 'o5');
    expect(tagged(out, 'o5')).toBe('o5 BAD [TOOBIG] Literal of 70000 octets is over the limit of 65536');
    await c.waitForClose();
    expect(c.output).toContain('* BYE Cannot continue after that command\r\n');
  });

  it('accepts literals, synchronising and not, where strings are expected', async () => {
    const c = await connected();
    c.send('q1 LOGIN {17}\r\n');
    await c.waitFor(/\+ Ready for literal data\r\n$/);
    expect(tagged(await cmd(c, 'judy@example.test {7+}\r\njudy-pw\r\n', 'q1'), 'q1')).toMatch(/^q1 OK /);
    const appended = await cmd(c, `q2 APPEND INBOX {${Buffer.byteLength(plain('literal+'))}+}\r\n${plain('literal+')}\r\n`, 'q2');
    expect(tagged(appended, 'q2')).toMatch(/^q2 OK \[APPENDUID \d+ 2\] APPEND completed$/);
    c.close();
  });

  it('answers BAD to broken base64 and cancellations in AUTHENTICATE, and NO to wrong passwords', async () => {
    const c = await connected();
    expect(tagged(await cmd(c, 'p1 AUTHENTICATE PLAIN !!!!'), 'p1')).toBe('p1 BAD Authentication failed: invalid base64');
    c.send('p2 AUTHENTICATE PLAIN\r\n');
    await c.waitFor(/\+ \r\n$/);
    expect(tagged(await cmd(c, 'not base64 at all\r\n', 'p2'), 'p2')).toBe('p2 BAD Authentication failed: invalid base64');
    c.send('p3 AUTHENTICATE PLAIN\r\n');
    await c.waitFor(/\+ \r\n$/, 5_000, c.output.length - 4);
    expect(tagged(await cmd(c, '*\r\n', 'p3'), 'p3')).toBe('p3 BAD Authentication cancelled');
    expect(tagged(await cmd(c, 'p4 AUTHENTICATE CRAM-MD5'), 'p4')).toBe('p4 NO [CANNOT] Unsupported authentication mechanism CRAM-MD5');
    const wrong = Buffer.from('\0judy@example.test\0wrong').toString('base64');
    expect(tagged(await cmd(c, `p5 AUTHENTICATE PLAIN ${wrong}`), 'p5')).toBe('p5 NO [AUTHENTICATIONFAILED] Authentication failed');
    const right = Buffer.from('\0judy@example.test\0judy-pw').toString('base64');
    expect(tagged(await cmd(c, `p6 AUTHENTICATE PLAIN ${right}`), 'p6')).toMatch(/^p6 OK \[CAPABILITY /);
    c.close();
  });

  it('answers BAD when IDLE is ended by anything but DONE, and goes on', async () => {
    const c = await connected(true);
    await cmd(c, 'i0 SELECT INBOX');
    c.send('i1 IDLE\r\n');
    await c.waitFor(/\+ idling\r\n$/);
    expect(tagged(await cmd(c, 'i2 NOOP', 'i1'), 'i1')).toBe('i1 BAD Expected DONE to end IDLE');
    expect(tagged(await cmd(c, 'i3 NOOP'), 'i3')).toBe('i3 OK NOOP completed');
    c.close();
  });

  it('closes the connection on a line over the limit', async () => {
    const c = await connected();
    c.send(`x1 LOGIN ${'a'.repeat(70_000)} b\r\n`);
    await c.waitForClose();
    expect(c.output).toContain('x1 BAD Command line longer than 65536 octets\r\n* BYE Cannot continue after that command\r\n');
  });

  it('answers pipelined garbage one line at a time, then says BYE after twenty', async () => {
    const c = await connected();
    const garbage = Array.from({ length: 25 }, (_, i) => (i % 2 ? `g${i} \u00ff\u00fe\u0001` : `(((( ${i}`)).join('\r\n') + '\r\n';
    c.send(Buffer.from(garbage, 'latin1'));
    await c.waitForClose();
    const bads = c.output.split('\r\n').filter((l) => / BAD /.test(l));
    expect(bads).toHaveLength(20);
    expect(c.output).toMatch(/\* BYE Too many invalid commands\r\n$/);
  });

  it('still serves a normal session afterwards', async () => {
    const c = await connected(true);
    expect(tagged(await cmd(c, 'r1 SELECT INBOX'), 'r1')).toBe('r1 OK [READ-WRITE] SELECT completed');
    expect(tagged(await cmd(c, 'r2 LOGOUT'), 'r2')).toBe('r2 OK LOGOUT completed');
  });
});
