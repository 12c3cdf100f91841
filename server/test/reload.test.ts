// A reload as an operator does it: `kill -HUP` (what `systemctl reload` sends) with a changed YAML file,
// and POST /api/v1/server/reload. The change is applied (a recipient limit), open sessions stay, mail
// accepted before is kept, a change that needs a restart is reported and not applied; a broken file is
// refused with the message a start would give and the server keeps running on its settings.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withImap } from './helpers/imap-read.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { message, sendMail } from './helpers/send.ts';

const TOKEN = 'reload-test-admin-token-0123456789';
const VIEWER = 'reload-test-viewer-token-0123456789';

describe('reload (SIGHUP and POST /api/v1/server/reload)', () => {
  let mr: MailroomProcess;
  let file: string;
  const writeConfig = (text: string) => fs.writeFileSync(file, text);
  const rcptCount = async (n: number) => {
    const to = ['alice', 'bob', 'carol', 'dave'].slice(0, n).map((u) => `${u}@example.test`);
    try {
      const r = await sendMail({ port: mr.ports.smtp, from: 'x@remote.test', to, content: message({ from: 'x@remote.test', to, subject: `to ${n}`, messageId: `n${n}-${Date.now()}@remote.test` }) });
      return r.accepted.length;
    } catch (err) {
      return `refused: ${(err as { response?: string }).response ?? (err as Error).message}`;
    }
  };
  const hup = async (expectLine: RegExp) => {
    const before = mr.output.length;
    mr.child!.kill('SIGHUP');
    await waitFor(
      () => mr.output.slice(before),
      (o) => expectLine.test(o),
      10_000,
      `a log line matching ${expectLine}`,
    );
    return mr.output.slice(before);
  };

  beforeAll(async () => {
    mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKENS: `ops:admin:${TOKEN},grafana:viewer:${VIEWER}` } });
    file = path.join(mr.dataDir, 'mailroom.yaml');
    writeConfig('smtp.max_recipients: 2\nsmtp.reverse_dns: false\n');
    mr.env.MAILROOM_CONFIG = file;
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice pw');
    for (const user of ['bob', 'carol', 'dave']) await mr.cli('account', 'add', `${user}@example.test`, '--password', `${user} pw`);
    await mr.start();
  }, 60_000);

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
  });

  it('SIGHUP with a changed file: the new limit applies at once, an open IMAP session stays, nothing accepted before is lost', async () => {
    expect(await rcptCount(3)).toBe(2); // the third RCPT is refused at the limit of 2
    await withImap(mr.ports.imap, 'alice@example.test', 'alice pw', async (client) => {
      await client.mailboxOpen('INBOX');
      const before = client.mailbox && client.mailbox.exists;
      writeConfig('smtp.max_recipients: 3\nsmtp.reverse_dns: true\n');
      const out = await hup(/configuration reloaded/);
      expect(out).toMatch(/"applied":\["smtp.max_recipients"\],"restartNeeded":\["smtp.reverse_dns"\]/);
      expect(out).toMatch(/"setting":"smtp.reverse_dns","running":false,"configured":true,"msg":"changed setting needs a restart to take effect"/);
      expect(await rcptCount(3)).toBe(3);
      // The session opened before the reload still works and sees the new mail.
      await client.noop();
      expect(client.mailbox && client.mailbox.exists).toBeGreaterThan(before as number);
    });
    expect(mr.child!.exitCode).toBeNull();
    // Both messages accepted (to 2, then 3 recipients, alice first each time) are in alice's INBOX.
    await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length === 2,
      10_000,
      'both messages filed',
    );
  }, 60_000);

  it('SIGHUP with a broken file: refused with the message a start gives, still running on its settings', async () => {
    writeConfig('smtp.max_recipients: lots\n');
    const out = await hup(/reload refused/);
    expect(out).toContain('reload refused: invalid setting smtp.max_recipients');
    expect(out).toContain('the running settings stay');
    expect(mr.child!.exitCode).toBeNull();
    expect(await rcptCount(3)).toBe(3);
  }, 30_000);

  it('POST /api/v1/server/reload: admin only, the same answer as JSON, 400 for a bad file', async () => {
    const post = (token: string) => mr.admin('/api/v1/server/reload', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect((await post(VIEWER)).status).toBe(403);
    const bad = await post(TOKEN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_configuration', message: expect.stringContaining('smtp.max_recipients') });
    writeConfig('smtp.max_recipients: 1\nsmtp.reverse_dns: true\ndelivery.retry_schedule_seconds: [60, 120]\n');
    const ok = await post(TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      applied: [
        { key: 'smtp.max_recipients', from: 3, to: 1 },
        { key: 'delivery.retry_schedule_seconds', from: expect.any(Array), to: [60, 120] },
      ],
      restartNeeded: [{ key: 'smtp.reverse_dns', from: false, to: true }],
    });
    expect(await rcptCount(2)).toBe(1);
    const audit = await mr.admin('/api/v1/audit?action=server.reload', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(((await audit.json()) as { items: { action: string }[] }).items[0]!.action).toBe('server.reload');
  }, 30_000);
});
