// SMTP replies with back-pressure (issue 14): clients that pipeline thousands of short commands (EHLO,
// NOOP) and never read. An EHLO of 17 bytes gets a reply of about 200, so without a limit the server
// buffers ten times what each client sends. The real server process must stay within
// RSS_GROWTH_MAX_BYTES, keep answering /healthz, and serve an honest client (smtplib) afterwards.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const SOCKETS = 20;
/** How long each client keeps writing without reading. */
const FLOOD_MS = 8_000;
/** Each client offers this much at most: EHLO and NOOP lines, 16 KiB per write. */
const MAX_BYTES_PER_SOCKET = 32 * 1024 * 1024;
/**
 * Measured: 26 MiB of growth with patch 8, 28 MiB without it (smtp-server 3.21 already waits for 'drain'
 * at 16 KiB per connection, so this test guards the outcome, whichever wait holds; the unit test in
 * smtp-server-patches.test.ts shows patch 8 alone keeping a connection at 256 KiB where, with neither
 * wait, 21 MB of replies piled up for one client).
 */
const RSS_GROWTH_MAX_BYTES = 64 * 1024 * 1024;

let mr: MailroomProcess;

function vmRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error('no VmRSS');
  return Number(m[1]) * 1024;
}

/** Writes pipelined commands until the deadline, never reading; resolves with the bytes handed over. */
function flood(port: number, until: number): Promise<{ socket: net.Socket; sent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    // Never read: the server's replies pile up in its socket.
    socket.pause();
    const chunk = Buffer.from('EHLO flood.test\r\nNOOP\r\n'.repeat(Math.floor(16384 / 23)), 'latin1');
    let sent = 0;
    const pump = () => {
      while (Date.now() < until && sent < MAX_BYTES_PER_SOCKET && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          // Wait for room, but never past the deadline: a server that stopped reading never drains us.
          const timer = setTimeout(() => resolve({ socket, sent }), Math.max(0, until - Date.now()));
          socket.once('drain', () => {
            clearTimeout(timer);
            pump();
          });
          return;
        }
      }
      resolve({ socket, sent });
    };
    socket.once('connect', pump);
  });
}

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: { MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: String(SOCKETS + 10), MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: String(SOCKETS + 10) },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'honest@example.test', '--password', 'honest-pw');
  await mr.start();
}, 30_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('SMTP pipelining flood', () => {
  it(`keeps RSS growth under ${RSS_GROWTH_MAX_BYTES >> 20} MiB with ${SOCKETS} clients that pipeline and never read`, async () => {
    const pid = mr.child!.pid!;
    const before = vmRssBytes(pid);
    const until = Date.now() + FLOOD_MS;
    const flooding = Promise.all(Array.from({ length: SOCKETS }, () => flood(mr.ports.smtp, until)));
    let peak = before;
    let healthy = 0;
    while (Date.now() < until + 1_000) {
      await new Promise((r) => setTimeout(r, 250));
      peak = Math.max(peak, vmRssBytes(pid));
      const health = await mr.admin('/healthz');
      if (health.status === 200) healthy++;
    }
    const floods = await flooding;
    peak = Math.max(peak, vmRssBytes(pid));
    const sent = floods.reduce((n, f) => n + f.sent, 0);
    console.log(
      `SMTP flood: ${SOCKETS} clients offered ${(sent / 2 ** 20).toFixed(1)} MiB in ${FLOOD_MS / 1000} s; RSS before ${(before / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB, growth ${((peak - before) / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(healthy).toBeGreaterThan(20);
    expect(peak - before).toBeLessThan(RSS_GROWTH_MAX_BYTES);
    for (const f of floods) f.socket.destroy();
  }, 30_000);

  it('serves an honest smtplib client afterwards', async (ctx) => {
    if (!requireCommand('python3', "Python's smtplib as a real client")) return ctx.skip();
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
print('refused', s.sendmail('someone@remote.test', ['honest@example.test'], 'Subject: after the flood\\r\\n\\r\\nstill here\\r\\n'))
print('quit', s.quit()[0])
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('refused {}');
    expect(out).toContain('quit 221');
    await waitFor(
      () => mailboxContents(mr.dataDir, 'honest@example.test'),
      (m) => m.some((x) => x.content.includes('after the flood')),
      10_000,
      'the message in INBOX',
    );
  }, 20_000);
});
