// POP3 under input no client should send: every line gets a -ERR in the state it arrives in, the
// session survives it (or is closed on purpose), and the server keeps serving others.
// IN-PROCESS until mail-server.ts starts the POP3 listener (see helpers/mail-stack.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { RawClient } from './helpers/raw-client.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('erin@example.test', 'erin-pw');
  await stack.deliver('erin@example.test', 'Subject: x\r\n\r\nbody\r\n');
});

afterAll(async () => {
  await stack?.stop();
});

async function connected(): Promise<RawClient> {
  const c = await RawClient.connect(stack.ports.pop3);
  await c.waitFor(/^\+OK .*\r\n/);
  return c;
}

/** Sends a line and returns the server's next reply line. */
async function say(c: RawClient, line: string): Promise<string> {
  const from = c.output.length;
  c.send(`${line}\r\n`);
  const reply = await c.waitFor(/\r\n/, 5_000, from);
  return reply.slice(0, reply.indexOf('\r\n'));
}

describe('POP3 bad input', () => {
  it('answers -ERR to unknown commands and to commands in the wrong state', async () => {
    const c = await connected();
    expect(await say(c, 'HELO there')).toBe('-ERR Unknown command');
    expect(await say(c, 'STAT')).toBe('-ERR STAT is not valid in the AUTHORIZATION state');
    expect(await say(c, 'RETR 1')).toMatch(/^-ERR RETR is not valid/);
    expect(await say(c, 'PASS nothing')).toBe('-ERR Send USER first');
    expect(await say(c, 'APOP erin@example.test 0123456789abcdef')).toBe('-ERR Unknown command');
    expect(await say(c, 'USER erin@example.test')).toMatch(/^\+OK/);
    expect(await say(c, 'PASS erin-pw')).toMatch(/^\+OK Logged in, 1 messages/);
    expect(await say(c, 'USER erin@example.test')).toBe('-ERR USER is not valid in the TRANSACTION state');
    expect(await say(c, 'STLS')).toMatch(/^-ERR STLS is not valid/);
    expect(await say(c, 'RETR 0')).toBe('-ERR Invalid message number');
    expect(await say(c, 'RETR 2')).toBe('-ERR No such message');
    expect(await say(c, 'RETR x')).toBe('-ERR Invalid message number');
    expect(await say(c, 'TOP 1')).toBe('-ERR Usage: TOP message lines');
    expect(await say(c, 'TOP 1 -1')).toBe('-ERR Invalid number of lines');
    expect(await say(c, 'LIST 99999999999')).toBe('-ERR Invalid message number');
    expect(await say(c, 'NOOP')).toBe('+OK Nothing done');
    expect(await say(c, 'QUIT')).toMatch(/^\+OK/);
    await c.waitForClose();
  });

  it('refuses over-long lines and control characters without losing the session', async () => {
    const c = await connected();
    expect(await say(c, `USER ${'a'.repeat(5000)}`)).toBe('-ERR Command line too long (limit 255 octets)');
    expect(await say(c, 'USER a\u0000b')).toBe('-ERR Invalid characters in command');
    expect(await say(c, 'CAPA')).toBe('+OK Capability list follows');
    c.close();
  });

  it('rejects broken base64 and cancelled exchanges in AUTH PLAIN', async () => {
    const c = await connected();
    expect(await say(c, 'AUTH PLAIN !!!notbase64')).toBe('-ERR [AUTH] Authentication failed: invalid base64');
    expect(await say(c, 'AUTH PLAIN')).toBe('+ ');
    expect(await say(c, '*')).toBe('-ERR Authentication cancelled');
    expect(await say(c, 'AUTH PLAIN')).toBe('+ ');
    expect(await say(c, Buffer.from('only-one-field').toString('base64'))).toBe('-ERR [AUTH] Authentication failed: malformed PLAIN response');
    expect(await say(c, 'AUTH CRAM-MD5')).toBe('-ERR Unsupported authentication mechanism');
    expect(await say(c, 'AUTH')).toBe('+OK Supported mechanisms follow');
    c.close();
  });

  it('answers pipelined garbage line by line, then closes after too many bad commands', async () => {
    const c = await connected();
    const garbage = Array.from({ length: 12 }, (_, i) => `\u00ff\u00fe garbage ${i}`).join('\r\n') + '\r\n';
    c.send(Buffer.from(garbage, 'latin1'));
    await c.waitForClose();
    const errors = c.output.split('\r\n').filter((l) => l.startsWith('-ERR'));
    // Ten answers, then the goodbye; the last two garbage lines are never read.
    expect(errors.slice(0, 10)).toEqual(Array(10).fill('-ERR Unknown command'));
    expect(errors.slice(10)).toEqual(['-ERR Too many bad commands; closing']);
  });

  it('closes the session after three failed logins', async () => {
    const c = await connected();
    for (let i = 0; i < 2; i++) {
      await say(c, 'USER erin@example.test');
      expect(await say(c, 'PASS wrong')).toBe('-ERR [AUTH] Authentication failed');
    }
    await say(c, 'USER erin@example.test');
    expect(await say(c, 'PASS wrong')).toBe('-ERR [AUTH] Authentication failed; too many attempts');
    await c.waitForClose();
  });

  it('keeps serving after all of that', async () => {
    const c = await connected();
    expect(await say(c, 'USER erin@example.test')).toMatch(/^\+OK/);
    expect(await say(c, 'PASS erin-pw')).toMatch(/^\+OK Logged in, 1 messages/);
    expect(await say(c, 'QUIT')).toMatch(/^\+OK/);
  });
});
