// Server vs service (hMailServer's distinction): stopping the server closes the mail listeners and
// pauses delivery while the process and the admin port keep answering; starting it again resumes
// both, including mail that was queued while it was stopped. SIGTERM ends everything cleanly.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const TOKEN = 'stop-start-admin-token-0123456789abcdef';
let mr: MailroomProcess;

const api = (path: string, method = 'GET', body?: unknown) =>
  mr.admin(path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

const connectable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

const send = (subject: string) =>
  python(
    `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.sendmail('someone@remote.test', ['carol@example.test'], 'Subject: ${subject}\\r\\n\\r\\nbody\\r\\n')
s.quit()
print('sent')
`,
    { PORT: String(mr.ports.smtp) },
  );

beforeAll(async () => {
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'carol@example.test', '--password', 'pw');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('server stop and start', () => {
  it('stops the listeners while the service and admin port keep running, then starts again', async () => {
    expect(await send('before stop')).toContain('sent');
    const stopped = await api('/api/v1/server/stop', 'POST');
    expect(stopped.status).toBe(200);
    expect((await stopped.json()).running).toBe(false);

    expect(await connectable(mr.ports.smtp)).toBe(false);
    expect(await connectable(mr.ports.submission)).toBe(false);
    expect(await connectable(mr.ports.imap)).toBe(false);
    expect(await connectable(mr.ports.pop3)).toBe(false);
    expect((await mr.admin('/healthz')).status).toBe(200);
    expect((await mr.admin('/readyz')).status).toBe(503);
    const info = await (await api('/api/v1/server')).json();
    expect(info).toMatchObject({ running: false, startedAt: null, listeners: [] });
    expect(mr.child?.exitCode).toBeNull();

    // Mail injected while stopped waits in the queue: delivery is paused too.
    const injected = await api('/api/v1/messages', 'POST', { from: 'ops@remote.test', to: ['carol@example.test'], raw: 'Subject: queued while stopped\r\n\r\nhi\r\n' });
    expect(injected.status).toBe(201);
    const { id } = await injected.json();
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailboxContents(mr.dataDir, 'carol@example.test').some((m) => m.content.includes('queued while stopped'))).toBe(false);
    expect((await api(`/api/v1/queue/${id}`)).status).toBe(200);

    const started = await api('/api/v1/server/start', 'POST');
    expect(started.status).toBe(200);
    const after = await started.json();
    expect(after.running).toBe(true);
    expect(after.listeners.map((l: { protocol: string }) => l.protocol).sort()).toEqual(['imap', 'pop3', 'smtp', 'submission']);
    expect((await mr.admin('/readyz')).status).toBe(200);

    await waitFor(
      () => mailboxContents(mr.dataDir, 'carol@example.test'),
      (m) => m.some((x) => x.content.includes('queued while stopped')),
      10_000,
      'queued mail to resume',
    );
    expect(await send('after start')).toContain('sent');
    await waitFor(
      () => mailboxContents(mr.dataDir, 'carol@example.test'),
      (m) => m.some((x) => x.content.includes('after start')),
      10_000,
      'mail after start',
    );
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const child = mr.child!;
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(mr.output).toContain('service stopped');
    mr.child = null;
  });
});
