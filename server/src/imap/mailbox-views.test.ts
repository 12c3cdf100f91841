// The node's shared mailbox views: one per mailbox whatever the number of sessions, watched once while
// sessions idle on it, and freed when the last session leaves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore, MailboxVersion } from '../store/mailbox-store.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { MailboxInfo } from '../store/types.ts';
import { MailboxViews } from './mailbox-views.ts';
import { SelectedMailbox } from './selected-mailbox.ts';

let dir: string;
let store: Store & MailboxStore;
let box: MailboxInfo;
/** Records the watches the registry starts and stops, in place of the polling watcher. */
let watches: { mailboxId: number; since: MailboxVersion; stopped: boolean }[];
let views: MailboxViews;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-views-'));
  store = openSqliteStore(path.join(dir, 'db.sqlite')) as Store & MailboxStore;
  await store.addDomain('example.test');
  const account = await store.addAccount('ida@example.test', 'x');
  box = (await store.findMailbox(account.id, 'INBOX'))!;
  await store.appendMail(box.id, Buffer.from('Subject: x\r\n\r\ny\r\n'), [], Date.now());
  watches = [];
  views = new MailboxViews(store, {
    watch: (mailboxId, since) => {
      const w = { mailboxId, since, stopped: false };
      watches.push(w);
      return () => (w.stopped = true);
    },
  });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MailboxViews', () => {
  it('gives every session on a mailbox the same view and frees it when the last one leaves', async () => {
    const a = await SelectedMailbox.open(views, store, box, false);
    const b = await SelectedMailbox.open(views, store, box, true);
    expect(views.size).toBe(1);
    a.selected.close();
    // Closing twice (deselect, then disconnect) must not release another session's hold.
    a.selected.close();
    expect(views.has(box.id)).toBe(true);
    b.selected.close();
    expect(views.has(box.id)).toBe(false);
    expect(views.size).toBe(0);
    // A session that comes back gets a new view, read afresh.
    await store.appendMail(box.id, Buffer.from('Subject: z\r\n\r\ny\r\n'), [], Date.now());
    const c = await SelectedMailbox.open(views, store, box, true);
    expect(c.lines).toContain('2 EXISTS');
    c.selected.close();
    expect(views.size).toBe(0);
  });

  it('watches a mailbox once however many sessions idle on it, and only while one does', async () => {
    const a = (await SelectedMailbox.open(views, store, box, false)).selected;
    const b = (await SelectedMailbox.open(views, store, box, false)).selected;
    expect(watches).toHaveLength(0);
    const stopA = a.listen(() => undefined);
    const stopB = b.listen(() => undefined);
    expect(watches).toHaveLength(1);
    expect(watches[0]!.mailboxId).toBe(box.id);
    stopA();
    expect(watches[0]!.stopped).toBe(false);
    stopB();
    expect(watches[0]!.stopped).toBe(true);
    a.close();
    b.close();
    expect(views.size).toBe(0);
  });

  it('refuses a mailbox that does not exist and keeps no view of it', async () => {
    const gone = await store.createMailbox(box.accountId, 'Gone');
    await store.deleteMailbox(box.accountId, 'Gone');
    await expect(SelectedMailbox.open(views, store, gone, false)).rejects.toThrow('Mailbox does not exist');
    expect(views.size).toBe(0);
  });

  it('keeps the header of an expunged message while a session still lists it, and drops it once all have announced', async () => {
    await store.appendMail(box.id, Buffer.from('Subject: two\r\n\r\ny\r\n'), ['\\Deleted'], Date.now());
    const a = (await SelectedMailbox.open(views, store, box, false)).selected;
    const b = (await SelectedMailbox.open(views, store, box, false)).selected;
    const view = await views.acquire(box.id);
    views.release(view);
    const id = a.get(2)!.id;
    expect(a.shared).toBe(true);
    a.keepDeparting(new Map([[id, { header: Buffer.from('Subject: two\r\n\r\n'), content: null }]]));
    // Handed over, not yet removed: b still lists it and reads the kept copy (the same bytes).
    expect(b.departed(id)?.header.toString()).toBe('Subject: two\r\n\r\n');
    await store.expunge(box.id);
    // Deleted from the store, and the view has not refreshed: b must still find it (the window a SEARCH
    // could fall into between the expunging session's delete and its refresh of the view).
    expect(await store.readMail(id)).toBeNull();
    expect(b.departed(id)?.header.toString()).toBe('Subject: two\r\n\r\n');
    expect(await a.sync(true)).toEqual(['2 EXPUNGE']);
    // b was not told yet: it still lists message 2 and reads its header from the view.
    expect(b.departed(id)?.header.toString()).toBe('Subject: two\r\n\r\n');
    expect(a.departed(id)).toBeUndefined();
    expect(view.departingCount).toBe(1);
    expect(await b.sync(true)).toEqual(['2 EXPUNGE']);
    expect(view.departingCount).toBe(0);
    a.close();
    b.close();
  });

  it('drops a kept header when its expunge never happens, and when its holder leaves without announcing', async () => {
    await store.appendMail(box.id, Buffer.from('Subject: two\r\n\r\ny\r\n'), ['\\Deleted'], Date.now());
    await store.appendMail(box.id, Buffer.from('Subject: three\r\n\r\ny\r\n'), [], Date.now());
    const a = (await SelectedMailbox.open(views, store, box, false)).selected;
    const b = (await SelectedMailbox.open(views, store, box, false)).selected;
    const view = await views.acquire(box.id);
    views.release(view);
    const [two, three] = [a.get(2)!.id, a.get(3)!.id];
    // Three is kept as if an expunge were coming, long ago, that never came.
    view.keepDeparting(new Map([[three, { header: Buffer.from('x'), content: null }]]), Date.now() - 120_000);
    view.keepDeparting(new Map([[two, { header: Buffer.from('y'), content: Buffer.from('y\r\n\r\nbody') }]]));
    await store.expunge(box.id);
    await a.sync(true);
    expect(b.departed(two)?.content?.toString()).toBe('y\r\n\r\nbody');
    expect(view.departingCount).toBe(1);
    b.close();
    expect(view.departingCount).toBe(0);
    a.close();
  });
});
