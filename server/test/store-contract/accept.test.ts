// acceptMessages, the same on every store (SQLite and PostgreSQL): local recipients are filed at once
// (one copy per account), the rest is queued, an account that vanished since RCPT leaves its recipient
// in the queue, and concurrent calls each succeed or fail as a whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, NewRecipient } from '../../src/store/types.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('accept'))('$name', (backend) => {
  let store: FullStore;
  let alice: NewRecipient;
  let aliasOfAlice: NewRecipient;

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    const a = await store.addAccount('alice@example.test', 'x');
    alice = { address: a.address, destination: 'local', accountId: a.id };
    aliasOfAlice = { address: 'info@example.test', destination: 'local', accountId: a.id };
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  let seq = 0;
  const message = (recipients: NewRecipient[]): NewMessage => {
    seq++;
    return { id: `A${String(seq).padStart(5, '0')}`, sender: 'sender@remote.test', recipients, content: Buffer.from(`Subject: a${seq}\r\n\r\nbody\r\n`), source: 'smtp' };
  };

  async function inbox(accountId: number, folder = 'INBOX'): Promise<string[]> {
    const box = (await store.findMailbox(accountId, folder))!;
    return Promise.all((await store.listMail(box.id)).map(async (m) => (await store.readMail(m.id))!.toString()));
  }

  it('files local recipients once per account and queues the remote ones', async () => {
    const mixed = message([alice, aliasOfAlice, { address: 'bob@far.test', destination: 'remote' }]);
    const local = message([alice]);
    expect(await store.acceptMessages([mixed, local], Date.now(), true)).toEqual([
      { id: mixed.id, filed: 2, queued: 1 },
      { id: local.id, filed: 1, queued: 0 },
    ]);
    expect(await inbox(alice.accountId!)).toEqual([mixed.content.toString(), local.content.toString()]);
    expect((await store.getQueueMessage(mixed.id))?.recipients.map((r) => r.address)).toEqual(['bob@far.test']);
    expect(await store.getQueueMessage(local.id)).toBeNull();
  });

  it('files spam into Junk (found by its special use after a rename) and an unknown folder into INBOX', async () => {
    await store.renameMailbox(alice.accountId!, 'Junk', 'Spam');
    const spam = message([{ ...alice, folder: 'Junk' }]);
    const odd = message([{ ...alice, folder: 'Nowhere' }]);
    await store.acceptMessages([spam, odd], Date.now(), true);
    expect(await inbox(alice.accountId!, 'Spam')).toEqual([spam.content.toString()]);
    expect(await inbox(alice.accountId!)).toEqual([odd.content.toString()]);
  });

  it('queues everything when local filing is off (the server is stopped)', async () => {
    const m = message([alice]);
    expect(await store.acceptMessages([m], Date.now(), false)).toEqual([{ id: m.id, filed: 0, queued: 1 }]);
    expect(await inbox(alice.accountId!)).toEqual([]);
    expect((await store.getQueueMessage(m.id))?.recipients.map((r) => r.address)).toEqual(['alice@example.test']);
  });

  it('queues a local recipient whose account vanished since RCPT', async () => {
    const m = message([alice]);
    await store.removeAccount('alice@example.test');
    expect(await store.acceptMessages([m], Date.now(), true)).toEqual([{ id: m.id, filed: 0, queued: 1 }]);
    expect(await store.getQueueMessage(m.id)).not.toBeNull();
  });

  it('rejects a call that breaks a constraint and keeps none of it', async () => {
    const first = message([{ address: 'x@far.test', destination: 'remote' }]);
    await store.acceptMessages([first], Date.now(), true);
    const local = message([alice]);
    await expect(store.acceptMessages([local, { ...first }], Date.now(), true)).rejects.toThrow(/unique/i);
    expect(await inbox(alice.accountId!)).toEqual([]);
  });

  it('answers concurrent calls each on its own: a failing call takes none of the others with it', async () => {
    const taken = message([{ address: 'x@far.test', destination: 'remote' }]);
    await store.acceptMessages([taken], Date.now(), true);
    const good = Array.from({ length: 20 }, () => message([alice, { address: 'y@far.test', destination: 'remote' }]));
    const bad = message([alice]);
    const calls = [
      ...good.slice(0, 10).map((m) => store.acceptMessages([m], Date.now(), true)),
      store.acceptMessages([bad, { ...taken }], Date.now(), true),
      ...good.slice(10).map((m) => store.acceptMessages([m], Date.now(), true)),
    ];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual([...Array(10).fill('fulfilled'), 'rejected', ...Array(10).fill('fulfilled')]);
    const filed = await inbox(alice.accountId!);
    expect(filed.sort()).toEqual(good.map((m) => m.content.toString()).sort());
    expect((await store.listQueue({ offset: 0, limit: 100 }, Date.now())).total).toBe(21);
  });

  it('gives a batch consecutive UIDs and rising mod-sequences, counts its usage and records a delivery for each filed recipient', async () => {
    const box = (await store.findMailbox(alice.accountId!, 'INBOX'))!;
    const before = (await store.mailboxVersion(box.id))!;
    const batch = Array.from({ length: 5 }, () => message([alice]));
    const mixed = message([alice, aliasOfAlice, { address: 'bob@far.test', destination: 'remote' }]);
    await Promise.all([store.acceptMessages(batch, Date.now(), true), store.acceptMessages([mixed], Date.now(), true)]);
    const columns = await store.listMailColumns(box.id);
    expect([...columns.uids]).toEqual(Array.from({ length: 6 }, (_, i) => before.uidNext + i));
    const modseqs = [...columns.modseqs];
    expect(modseqs.every((m, i) => m > before.modseq && (i === 0 || m > modseqs[i - 1]!))).toBe(true);
    const after = (await store.mailboxVersion(box.id))!;
    expect(after.uidNext).toBe(before.uidNext + 6);
    expect(after.modseq).toBe(Math.max(...modseqs));
    // A flag change after the batch still moves past every stamped value.
    const [changed] = await store.setFlags(box.id, [columns.uids[0]!], 'add', ['\\Seen']);
    expect(changed!.modseq).toBeGreaterThan(after.modseq);
    const quota = (await store.getQuota(alice.accountId!))!;
    expect(quota.usedMessages).toBe(6);
    expect(quota.usedBytes).toBe([...batch, mixed].reduce((n, m) => n + m.content.length, 0));
    const history = (await store.getHistory(mixed.id))!;
    expect(history.attempts.map((a) => [a.recipient, a.result])).toEqual([
      ['alice@example.test', 'delivered'],
      ['info@example.test', 'delivered'],
    ]);
    expect(history.finishedAt).toBeNull();
    expect((await store.getHistory(batch[0]!.id))!.finishedAt).not.toBeNull();
  });

  it('stores large bodies byte for byte', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 131) & 0xff;
    const m = { ...message([alice, { address: 'z@far.test', destination: 'remote' }]), content: body };
    await store.acceptMessages([m], Date.now(), true);
    const box = (await store.findMailbox(alice.accountId!, 'INBOX'))!;
    const [stored] = await store.listMail(box.id);
    expect(stored!.size).toBe(body.length);
    expect((await store.readMail(stored!.id))!.equals(body)).toBe(true);
    expect((await store.readContent(m.id))!.equals(body)).toBe(true);
  });
});
