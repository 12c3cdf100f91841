// Logging end to end with the real server: lines reach a Loki-compatible receiver (decoded exactly as
// Loki decodes a push) and the live log stream; switching a category at run time changes what both
// get within a second; protocol lines never carry AUTH secrets; two live readers both get lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const TOKEN = 'logging-test-admin-token-4d8e2a9c6b1f';
const PASSWORD = 'Sup3r-Secret-Passw0rd';
let mr: MailroomProcess;
let loki: LokiReceiver;

const api = (path: string, method = 'GET', body?: unknown) =>
  mr.admin(path, { method, headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

const submit = (subject: string) =>
  python(
    `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
s.login('gina@example.test', os.environ['PW'])
s.sendmail('gina@example.test', ['gina@example.test'], 'Subject: ${subject}\\r\\n\\r\\nbody\\r\\n')
s.quit()
`,
    { PORT: String(mr.ports.submission), PW: PASSWORD },
  );

/** Reads an SSE stream in the background, collecting `event: log` payloads. */
function readStream(query: string): { lines: Array<Record<string, unknown>>; stop: () => void } {
  const lines: Array<Record<string, unknown>> = [];
  const controller = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${mr.ports.admin}/api/v1/log/stream${query}`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^event: log\ndata: (.*)$/m.exec(event);
          if (data) lines.push(JSON.parse(data[1]!) as Record<string, unknown>);
        }
      }
    } catch {
      // aborted
    }
  })();
  return { lines, stop: () => controller.abort() };
}

beforeAll(async () => {
  loki = await LokiReceiver.start();
  mr = await MailroomProcess.create({
    env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_LOKI_URL: loki.url, MAILROOM_LOKI_BATCH_WAIT_MS: '100', MAILROOM_LOG_CATEGORIES: 'application,delivery' },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'gina@example.test', '--password', PASSWORD);
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await loki?.close();
});

describe('logging', () => {
  it('ships lines to Loki with bounded stream labels, and follows category switches at run time', async () => {
    expect(await (await api('/api/v1/logging')).json()).toEqual({
      categories: { smtp: false, submission: false, pop3: false, imap: false, tcpip: false, delivery: true, application: true, debug: false },
    });
    await submit('quiet');
    await loki.waitFor(() => loki.accepted().some((e) => e.line.includes('"category":"application"')), 'application lines in Loki');
    for (const e of loki.accepted()) expect(Object.keys(e.labelSet).sort()).toEqual(['category', 'instance', 'service_name']);
    expect(loki.accepted().some((e) => e.labelSet.category === 'submission')).toBe(false);

    const live = readStream('?category=submission');
    const put = await api('/api/v1/logging', 'PUT', { categories: { submission: true, tcpip: true } });
    expect(put.status).toBe(200);
    expect((await put.json()).categories.submission).toBe(true);
    const switchedAt = Date.now();
    await submit('chatty');
    // smtplib sends its commands in lower case.
    await loki.waitFor(
      () =>
        loki.accepted().some((e) => e.labelSet.category === 'submission' && /C: ehlo client\.test/i.test(e.line)) &&
        loki.accepted().some((e) => e.labelSet.category === 'submission' && e.line.includes('"queueId"')),
      'submission commands and the accepted line in Loki',
      10_000,
    );
    const submission = loki
      .accepted()
      .filter((e) => e.labelSet.category === 'submission')
      .map((e) => JSON.parse(e.line) as Record<string, unknown>);
    expect(submission.some((l) => /^C: .* \| S: 250/.test(String(l.msg)))).toBe(true); // command and reply on one line
    expect(submission.every((l) => typeof l.session === 'string')).toBe(true);
    // One session from connect to queue id: the accepted line carries both.
    expect(submission.some((l) => typeof l.queueId === 'string' && typeof l.session === 'string')).toBe(true);
    await waitFor(
      () => live.lines.length,
      (n) => n > 0,
      5_000,
      'live lines',
    );
    expect(live.lines.every((l) => l.category === 'submission')).toBe(true);
    expect(Date.now() - switchedAt).toBeLessThan(10_000);
    live.stop();

    // AUTH secrets never appear, neither plain nor base64 (AUTH PLAIN carries \0user\0password).
    const everything = loki.acceptedLines().join('\n') + mr.output;
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(`\0gina@example.test\0${PASSWORD}`).toString('base64'));
    expect(everything).not.toContain(TOKEN);

    await api('/api/v1/logging', 'PUT', { categories: { submission: false, tcpip: false } });
    // Lines the chatty session logged before the switch may still be on their way (batching): let them land.
    await new Promise((r) => setTimeout(r, 1000));
    const before = loki.accepted().filter((e) => e.labelSet.category === 'submission').length;
    await submit('quiet again');
    await waitFor(
      () => mailboxContents(mr.dataDir, 'gina@example.test'),
      (m) => m.some((x) => x.content.includes('quiet again')),
      10_000,
      'the last message',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(loki.accepted().filter((e) => e.labelSet.category === 'submission').length).toBe(before);
  });

  it('keeps the category choice across a restart', async () => {
    await api('/api/v1/logging', 'PUT', { categories: { imap: true } });
    await mr.stop();
    await mr.start();
    expect((await (await api('/api/v1/logging')).json()).categories.imap).toBe(true);
  });

  it('serves two live readers at once, each with its own filter', async () => {
    await api('/api/v1/logging', 'PUT', { categories: { submission: true, tcpip: true } });
    const a = readStream('');
    const b = readStream('?category=tcpip');
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) await submit(`two readers ${i}`);
    await waitFor(
      () => Math.min(a.lines.length, b.lines.length),
      (n) => n > 3,
      10_000,
      'both readers to get lines',
    );
    expect(new Set(a.lines.map((l) => l.category))).toContain('submission');
    expect(b.lines.every((l) => l.category === 'tcpip')).toBe(true);
    // A reader that falls behind is covered by live-log.test.ts (the hub bounds and counts what it drops).
    a.stop();
    b.stop();
  });
});
