// The quarantine, external POP3 accounts and bans, the same on every store (SQLite and PostgreSQL).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewQuarantined } from '../../src/store/quarantine-store.ts';
import type { NewFetchAccount } from '../../src/store/fetch-account-store.ts';
import { StoreError } from '../../src/store/store-error.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('quarantine_fetch_bans'))('$name', (backend) => {
  let store: FullStore;
  let accountId: number;

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    accountId = (await store.addAccount('ann@example.test', 'x')).id;
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  const infected = (id: string): NewQuarantined => ({
    id,
    sender: 'bad@far.test',
    recipients: [
      { address: 'ann@example.test', destination: 'local', accountId },
      { address: 'x@far.test', destination: 'remote' },
    ],
    source: 'smtp',
    clientAddress: '203.0.113.9',
    reason: 'virus',
    detail: 'Eicar-Signature',
    content: Buffer.from(`Subject: ${id}\r\n\r\nbody\r\n`),
  });

  describe('quarantine', () => {
    it('keeps, lists newest first, shows and reads a message', async () => {
      await store.quarantine(infected('Q1'), 1000);
      await store.quarantine(infected('Q2'), 2000);
      const page = await store.listQuarantine({ offset: 0, limit: 10 });
      expect(page.total).toBe(2);
      expect(page.items.map((m) => m.id)).toEqual(['Q2', 'Q1']);
      expect(await store.getQuarantined('Q1')).toMatchObject({
        id: 'Q1',
        createdAt: 1000,
        sender: 'bad@far.test',
        source: 'smtp',
        clientAddress: '203.0.113.9',
        reason: 'virus',
        detail: 'Eicar-Signature',
        size: infected('Q1').content.length,
        recipients: [
          { address: 'ann@example.test', destination: 'local', accountId },
          { address: 'x@far.test', destination: 'remote' },
        ],
      });
      expect((await store.readQuarantinedContent('Q1'))!.equals(infected('Q1').content)).toBe(true);
      expect((await store.listQuarantine({ offset: 1, limit: 10 })).items.map((m) => m.id)).toEqual(['Q1']);
      expect(await store.getQuarantined('nope')).toBeNull();
      expect(await store.readQuarantinedContent('nope')).toBeNull();
    });

    it('releases into the queue under the same id exactly once, and deletes', async () => {
      await store.quarantine(infected('Q1'), 1000);
      await store.quarantine(infected('Q2'), 1000);
      const now = Date.now();
      const [first, second] = await Promise.all([store.releaseQuarantined('Q1', now), store.releaseQuarantined('Q1', now)]);
      expect([first, second].sort()).toEqual([false, true]);
      const queued = (await store.getQueueMessage('Q1'))!;
      expect(queued.recipients.map((r) => [r.address, r.destination, r.accountId, r.state])).toEqual([
        ['ann@example.test', 'local', accountId, 'queued'],
        ['x@far.test', 'remote', null, 'queued'],
      ]);
      expect((await store.readContent('Q1'))!.equals(infected('Q1').content)).toBe(true);
      expect(await store.getQuarantined('Q1')).toBeNull();
      expect(await store.deleteQuarantined('Q2')).toBe(true);
      expect(await store.deleteQuarantined('Q2')).toBe(false);
      expect((await store.listQuarantine({ offset: 0, limit: 10 })).total).toBe(0);
    });
  });

  describe('external accounts', () => {
    const settings = (over: Partial<NewFetchAccount> = {}): NewFetchAccount => ({
      accountId,
      host: 'pop.far.test',
      port: 995,
      security: 'tls',
      verifyTls: true,
      username: 'ann',
      password: 'secret',
      intervalSeconds: 300,
      keepOnServer: false,
      enabled: true,
      ...over,
    });

    it('adds, updates, lists and removes, refusing an unknown local account', async () => {
      const a = await store.addFetchAccount(settings(), 5000);
      expect(a).toMatchObject({ ...settings(), accountAddress: 'ann@example.test', createdAt: 5000, lastRunAt: null, lastError: null, fetchedTotal: 0 });
      const b = await store.addFetchAccount(settings({ host: 'other.test', security: 'none', verifyTls: false, keepOnServer: true, enabled: false }), 6000);
      expect(b).toMatchObject({ security: 'none', verifyTls: false, keepOnServer: true, enabled: false });
      await expect(store.addFetchAccount(settings({ accountId: 999_999 }), 1)).rejects.toBeInstanceOf(StoreError);
      expect(await store.updateFetchAccount(a.id, { port: 110, security: 'starttls', enabled: false, password: 'new' })).toMatchObject({
        port: 110,
        security: 'starttls',
        enabled: false,
        password: 'new',
        host: 'pop.far.test',
      });
      expect(await store.updateFetchAccount(999_999, { port: 1 })).toBeNull();
      expect((await store.listFetchAccounts()).map((f) => f.id)).toEqual([a.id, b.id]);
      await store.recordFetchRun(a.id, 7000, 'connection refused', 0);
      await store.recordFetchRun(a.id, 8000, null, 3);
      expect(await store.getFetchAccount(a.id)).toMatchObject({ lastRunAt: 8000, lastError: null, fetchedTotal: 3 });
      expect(await store.removeFetchAccount(a.id)).toBe(true);
      expect(await store.removeFetchAccount(a.id)).toBe(false);
      expect(await store.getFetchAccount(a.id)).toBeNull();
    });

    it('remembers UIDLs once and forgets those the server no longer lists', async () => {
      const a = await store.addFetchAccount(settings(), 1);
      await store.rememberUidl(a.id, 'u1', 10);
      await store.rememberUidl(a.id, 'u1', 11);
      await store.rememberUidl(a.id, 'u2', 12);
      await store.rememberUidl(a.id, 'u3', 13);
      expect([...(await store.fetchedUidls(a.id))].sort()).toEqual(['u1', 'u2', 'u3']);
      expect(await store.forgetUidlsExcept(a.id, new Set(['u2', 'u9']))).toBe(2);
      expect([...(await store.fetchedUidls(a.id))]).toEqual(['u2']);
      await store.removeAccount('ann@example.test');
      expect(await store.listFetchAccounts()).toEqual([]);
      expect((await store.fetchedUidls(a.id)).size).toBe(0);
    });
  });

  describe('bans', () => {
    it('adds, replaces, lists the active ones oldest first, counts, prunes and removes', async () => {
      await store.addBan({ address: '203.0.113.1', reason: 'auto', createdAt: 100, expiresAt: 1000 });
      await store.addBan({ address: '2001:db8::1', reason: 'manual', createdAt: 50, expiresAt: null });
      await store.addBan({ address: '203.0.113.2', reason: 'auto', createdAt: 200, expiresAt: 300 });
      expect((await store.listBans(250)).map((b) => b.address)).toEqual(['2001:db8::1', '203.0.113.1', '203.0.113.2']);
      expect((await store.listBans(500)).map((b) => b.address)).toEqual(['2001:db8::1', '203.0.113.1']);
      expect(await store.countActiveBans(500)).toBe(2);
      // A new ban on the same address restarts its clock.
      await store.addBan({ address: '203.0.113.1', reason: 'manual', createdAt: 600, expiresAt: null });
      expect(await store.listBans(5000)).toEqual([
        { address: '2001:db8::1', reason: 'manual', createdAt: 50, expiresAt: null },
        { address: '203.0.113.1', reason: 'manual', createdAt: 600, expiresAt: null },
      ]);
      expect(await store.pruneExpiredBans(5000)).toBe(1);
      expect(await store.removeBan('2001:db8::1')).toBe(true);
      expect(await store.removeBan('2001:db8::1')).toBe(false);
      expect(await store.countActiveBans(5000)).toBe(1);
    });
  });
});
