// The patched smtp-server behaviour, on a real SMTPServer over a real socket in this process. Fails if an
// upgrade of smtp-server moves the internals the patches replace.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SmtpReply } from './reply.ts';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { installSmtpServerPatches, type PatchedServerOptions } from './smtp-server-patches.ts';
import { REPLY_BUFFER_MAX_BYTES } from './reply-backpressure.ts';

installSmtpServerPatches();

let server: SMTPServer | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function start(options: SMTPServerOptions & PatchedServerOptions): Promise<number> {
  // As the listeners run it: no reverse lookup and an onConnect that answers at once, so nothing but the
  // greeting delay stands between the connection and the banner.
  server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    onConnect: (_session, cb) => cb(),
    hideENHANCEDSTATUSCODES: false,
    ...options,
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return (server.server.address() as net.AddressInfo).port;
}

/** Connects, optionally writes at once, and collects every line until the server closes or `until` matches. */
function converse(port: number, sendAtOnce: string, until: RegExp): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buffer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(sendAtOnce));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\r\n');
      buffer = parts.pop()!;
      lines.push(...parts);
      if (lines.some((l) => until.test(l))) socket.end();
    });
    socket.on('close', () => resolve(lines));
    socket.on('error', reject);
  });
}

describe('greeting delay and early talkers', () => {
  it('greets at once with a delay of 0, even when the client talks immediately', async () => {
    const early: string[] = [];
    const port = await start({ greetingDelayMs: () => 0, onEarlyTalker: (address) => early.push(address) });
    // A timer of 0 ms instead of greeting synchronously loses this race most of the time; 20 tries.
    for (let i = 0; i < 20; i++) {
      const lines = await converse(port, 'NOOP\r\n', /^250 /);
      expect(lines[0]).toMatch(/^220 /);
      expect(lines[1]).toBe('250 2.0.0 OK');
    }
    expect(early).toEqual([]);
  });

  it('answers a command before the greeting with 421 4.5.0, reports it and closes', async () => {
    const reported: string[] = [];
    // The greeting never comes within the test: anything the client says is early.
    const port = await start({ greetingDelayMs: () => 3_600_000, onEarlyTalker: (address) => reported.push(address) });
    const lines = await converse(port, 'EHLO bot.test\r\n', /^421 /);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^421 4\.5\.0 .*before the greeting/);
    expect(reported).toEqual(['127.0.0.1']);
  });

  it('asks the delay function with the client address', async () => {
    const asked: string[] = [];
    const port = await start({ greetingDelayMs: (address) => (asked.push(address), 0) });
    await converse(port, 'QUIT\r\n', /^221 /);
    expect(asked).toEqual(['127.0.0.1']);
  });
});

describe('reply codes', () => {
  it('keeps an enhanced code given in the reply text, and says 5.3.4 for a bare 552', async () => {
    const port = await start({
      greetingDelayMs: () => 0,
      onMailFrom: (address, _session, cb) => cb(address.address.startsWith('own') ? new SmtpReply(554, '5.7.1 refused by policy') : new SmtpReply(552, 'too big')),
    });
    const lines = await converse(port, 'EHLO c.test\r\nMAIL FROM:<own@x.test>\r\nMAIL FROM:<bare@x.test>\r\nQUIT\r\n', /^221 /);
    expect(lines).toContain('554 5.7.1 refused by policy');
    expect(lines).toContain('552 5.3.4 too big');
  });

  it('answers EXPN, TURN and ETRN with 502 5.5.1', async () => {
    const port = await start({ greetingDelayMs: () => 0 });
    const lines = await converse(port, 'EHLO c.test\r\nEXPN staff\r\nTURN\r\nETRN example.test\r\nQUIT\r\n', /^221 /);
    expect(lines).toEqual(expect.arrayContaining(['502 5.5.1 EXPN not implemented', '502 5.5.1 TURN not implemented', '502 5.5.1 ETRN not implemented']));
  });
});

describe('session ids', () => {
  it('gives every session its own 16-character base-32 id', async () => {
    const ids: string[] = [];
    const port = await start({ greetingDelayMs: () => 0, onConnect: (session, cb) => (ids.push(session.id), cb()) });
    for (let i = 0; i < 5; i++) await converse(port, 'QUIT\r\n', /^221 /);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{16}$/);
    expect(new Set(ids).size).toBe(5);
  });
});

describe('reply back-pressure', () => {
  type Internals = { _whenWritable(next: () => void): void; _socket: net.Socket };
  const proto = (SMTPConnection as unknown as { prototype: Internals }).prototype;
  const libraryWait = proto._whenWritable;

  afterEach(() => {
    proto._whenWritable = libraryWait;
  });

  it('stops taking commands while more than REPLY_BUFFER_MAX_BYTES of replies wait, and goes on once the client reads', async () => {
    // Without the library's own wait (16 KiB), so that only patch 8 holds the client back.
    expect(typeof libraryWait).toBe('function');
    proto._whenWritable = (next) => next();
    const port = await start({ greetingDelayMs: () => 0 });
    // Enough that the replies (about 200 bytes each) overflow what the kernel buffers on loopback.
    const COMMANDS = 200_000;
    const client = net.connect(port, '127.0.0.1');
    client.pause();
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    client.write('EHLO flood.test\r\n'.repeat(COMMANDS));
    const connection = () => [...(server as unknown as { connections: Set<Internals> }).connections][0]!;
    // Wait until the server stops reading: its unsent replies stay put.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const now = connection()._socket.writableLength;
      if (now > 0 && now === last) break;
      last = now;
    }
    expect(last).toBeGreaterThan(16 * 1024);
    expect(last).toBeLessThanOrEqual(REPLY_BUFFER_MAX_BYTES + 1024);
    // Now read: every EHLO gets its reply.
    let replies = 0;
    let tail = '';
    await new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        const text = tail + chunk.toString('latin1');
        replies += text.split('\r\n250 ').length - 1;
        tail = text.slice(-5); // less than the pattern: a match is never counted twice
        if (replies >= COMMANDS) resolve();
      });
      client.resume();
    });
    client.destroy();
    expect(replies).toBe(COMMANDS);
  }, 30_000);
});
