// Mail fetched from an external POP3 account is scanned like mail arriving over SMTP: a virus is not
// delivered (and is counted), a clean message is; the virus is remembered and never fetched again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdProcess, eicarMail } from './helpers/clamd.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';

const TOKEN = 'fetch-scan-admin-token-2b7c9e4d1f';
const PASSWORD = 'remote-pop-password-91ac';
const haveClamd = requireScannerDaemons('clamd');
let clamd: ClamdProcess;
let remote: MailroomProcess;
let local: MailroomProcess;

const api = async (mr: MailroomProcess, path: string, method = 'GET', body?: unknown) => {
  const res = await mr.admin(path, { method, headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
};

const virusCount = async (mr: MailroomProcess) => Number(/^mailroom_viruses_detected_total (\S+)$/m.exec(await (await mr.admin('/metrics')).text())![1]);

beforeAll(async () => {
  if (!haveClamd) return;
  clamd = await ClamdProcess.start();
  remote = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await remote.cli('domain', 'add', 'remote.test');
  await remote.cli('account', 'add', 'box@remote.test', '--password', PASSWORD);
  local = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_CLAMD: clamd.tcpUrl } });
  await local.cli('domain', 'add', 'local.test');
  await local.cli('account', 'add', 'ivy@local.test', '--password', 'ivy-password');
  await Promise.all([remote.start(), local.start()]);
  for (const raw of [eicarMail().toString('utf8'), 'From: a@elsewhere.test\r\nSubject: clean\r\n\r\nhello\r\n']) {
    expect((await api(remote, '/api/v1/messages', 'POST', { from: 'a@elsewhere.test', to: ['box@remote.test'], raw })).status).toBe(201);
  }
});

afterAll(async () => {
  await Promise.all([local?.stop(), remote?.stop()]);
  local?.cleanup();
  remote?.cleanup();
  await clamd?.stop();
  await clamd?.cleanup();
});

describe.runIf(haveClamd)('scanning fetched mail', () => {
  it('keeps a virus out of the mailbox, counts it, delivers the clean message, and does not fetch the virus again', async () => {
    const created = await api(local, '/api/v1/fetch-accounts', 'POST', {
      account: 'ivy@local.test',
      host: '127.0.0.1',
      port: remote.ports.pop3,
      security: 'none',
      username: 'box@remote.test',
      password: PASSWORD,
      intervalSeconds: 3600,
      keepOnServer: true,
      enabled: false,
    });
    expect(created.status).toBe(201);
    const id = created.json!.id as number;
    const first = await api(local, `/api/v1/fetch-accounts/${id}/fetch`, 'POST');
    expect(first.json).toEqual({ delivered: 1, skipped: 1, deleted: 0, error: null });
    expect(await virusCount(local)).toBe(1);
    const again = await api(local, `/api/v1/fetch-accounts/${id}/fetch`, 'POST');
    expect(again.json).toEqual({ delivered: 0, skipped: 0, deleted: 0, error: null });
    expect(await virusCount(local)).toBe(1);
    const status = await api(local, '/api/v1/status');
    expect(status.json!.processedMessages).toBe(1);
  });
});
