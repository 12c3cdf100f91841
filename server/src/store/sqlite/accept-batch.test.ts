// acceptMessages on the SQLite store, the same in the accept worker and on the main thread: local
// recipients are filed at once (one copy per account), the rest is queued, and an account that vanished
// since RCPT leaves its recipient in the queue for delivery to bounce.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.ts';
import type { NewMessage, NewRecipient } from '../types.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe.each([
  ['in the accept worker', true],
  ['on the main thread', false],
])('acceptMessages %s', (_, acceptWorker) => {
  let dir: string;
  let store: Store;
  let alice: NewRecipient;
  let aliasOfAlice: NewRecipient;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-accept-'));
    store = openSqliteStore(path.join(dir, 'mailroom.db'), { acceptWorker });
    await store.addDomain('example.test');
    const a = await store.addAccount('alice@example.test', 'x');
    alice = { address: a.address, destination: 'local', accountId: a.id };
    aliasOfAlice = { address: 'info@example.test', destination: 'local', accountId: a.id };
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  const message = (recipients: NewRecipient[]): NewMessage => {
    seq++;
    return { id: `A${String(seq).padStart(5, '0')}`, sender: 'sender@remote.test', recipients, content: Buffer.from(`Subject: a${seq}\r\n\r\nbody\r\n`), source: 'smtp' };
  };

  async function inbox(accountId: number): Promise<string[]> {
    const box = (await store.listMailboxes(accountId)).find((b) => b.name === 'INBOX')!;
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
    const queued = await store.getQueueMessage(mixed.id);
    expect(queued?.recipients.map((r) => r.address)).toEqual(['bob@far.test']);
    expect(await store.getQueueMessage(local.id)).toBeNull();
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

  it('rejects a batch that breaks a constraint and keeps none of it', async () => {
    const first = message([{ address: 'x@far.test', destination: 'remote' }]);
    await store.acceptMessages([first], Date.now(), true);
    const local = message([alice]);
    await expect(store.acceptMessages([local, { ...first }], Date.now(), true)).rejects.toThrow(/UNIQUE/);
    expect(await inbox(alice.accountId!)).toEqual([]);
  });
});
