// Storage quotas, the same on every store (SQLite and PostgreSQL): limits per account (null: the
// default), and usage kept in the transaction that files or removes mail, by every path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setQuotaDefaults, wouldExceedQuota } from '../../src/store/quota-limits.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('quota'))('$name', (backend) => {
  let store: FullStore;
  let account: number;

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    account = (await store.addAccount('quinn@example.test', 'x')).id;
  });

  afterEach(async () => {
    setQuotaDefaults(0, 0);
    await store.close();
    await backend.clear();
  });

  const mail = (s: string) => Buffer.from(`Subject: ${s}\r\n\r\n${'x'.repeat(100)}\r\n`);
  const usage = async (id = account) => {
    const q = (await store.getQuota(id))!;
    return [q.usedBytes, q.usedMessages];
  };

  it('starts empty with the defaults, and sets, keeps and resets per-account limits', async () => {
    expect(await store.getQuota(account)).toEqual({ address: 'quinn@example.test', quotaBytes: null, quotaMessages: null, usedBytes: 0, usedMessages: 0 });
    expect(await store.setQuota('QUINN@example.test', { bytes: 5000 })).toBe(true);
    expect(await store.setQuota('quinn@example.test', { messages: 10 })).toBe(true);
    expect(await store.getQuota(account)).toMatchObject({ quotaBytes: 5000, quotaMessages: 10 });
    expect(await store.setQuota('quinn@example.test', { bytes: null })).toBe(true);
    expect(await store.getQuota(account)).toMatchObject({ quotaBytes: null, quotaMessages: 10 });
    expect(await store.setQuota('nobody@example.test', { bytes: 1 })).toBe(false);
    expect((await store.listQuotas()).map((q) => q.address)).toEqual(['quinn@example.test']);
    expect(await store.getQuota(999999)).toBeNull();
  });

  it('counts mail filed at acceptance, delivered from the queue, appended, copied, moved and removed', async () => {
    const other = (await store.addAccount('olga@example.test', 'x')).id;
    const a = mail('accepted');
    await store.acceptMessages(
      [{ id: 'Q00001', sender: 's@far.test', recipients: [{ address: 'quinn@example.test', destination: 'local', accountId: account }], content: a, source: 'smtp' }],
      Date.now(),
      true,
    );
    expect(await usage()).toEqual([a.length, 1]);

    const inbox = (await store.findMailbox(account, 'INBOX'))!;
    const b = mail('appended');
    await store.appendMail(inbox.id, b, ['\\Deleted'], Date.now());
    expect(await usage()).toEqual([a.length + b.length, 2]);

    const archive = await store.createMailbox(account, 'Archive');
    const [first] = await store.listMail(inbox.id);
    await store.copyMail(inbox.id, [first!.uid], archive.id);
    expect(await usage()).toEqual([2 * a.length + b.length, 3]);
    await store.moveMail(inbox.id, [first!.uid], archive.id);
    expect(await usage()).toEqual([2 * a.length + b.length, 3]);

    expect((await store.expunge(inbox.id)).length).toBe(1);
    expect(await usage()).toEqual([2 * a.length, 2]);

    // A mailbox removed with its mail gives its usage back; the other account was never touched.
    await store.deleteMailbox(account, 'Archive');
    expect(await usage()).toEqual([0, 0]);
    expect(await usage(other)).toEqual([0, 0]);
  });

  it('tells whether a message fits, with per-account limits before the defaults (0: unlimited)', async () => {
    const inbox = (await store.findMailbox(account, 'INBOX'))!;
    const m = mail('one');
    await store.appendMail(inbox.id, m, [], Date.now());
    const q = async () => (await store.getQuota(account))!;
    expect(wouldExceedQuota(await q(), 1_000_000)).toBe(false);
    setQuotaDefaults(m.length + 10, 0);
    expect(wouldExceedQuota(await q(), 10)).toBe(false);
    expect(wouldExceedQuota(await q(), 11)).toBe(true);
    await store.setQuota('quinn@example.test', { bytes: 0 });
    expect(wouldExceedQuota(await q(), 1_000_000)).toBe(false);
    await store.setQuota('quinn@example.test', { messages: 1 });
    expect(wouldExceedQuota(await q(), 1)).toBe(true);
  });
});
