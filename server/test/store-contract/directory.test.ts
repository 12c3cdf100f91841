// The directory, the same on every store (SQLite and PostgreSQL): domains, accounts with their default
// folders, aliases; addresses compare case-insensitively; removals take what depends on them along.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/store-error.ts';
import { storeBackends, type FullStore } from './backends.ts';

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof StoreError ? e.code : String(e)),
  );

describe.each(storeBackends('directory'))('$name', (backend) => {
  let store: FullStore;

  beforeEach(async () => {
    store = await backend.open();
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  it('adds, lists and removes domains, case-insensitively, refusing a duplicate', async () => {
    await store.addDomain('example.test');
    await store.addDomain('b.example.test');
    expect(await code(store.addDomain('Example.TEST'))).toBe('conflict');
    expect(await store.listDomains()).toEqual(['b.example.test', 'example.test']);
    expect(await store.isLocalDomain('EXAMPLE.test')).toBe(true);
    expect(await store.isLocalDomain('other.test')).toBe(false);
    expect(await store.removeDomain('B.example.test')).toBe(true);
    expect(await store.removeDomain('b.example.test')).toBe(false);
    expect(await store.listDomains()).toEqual(['example.test']);
  });

  it('adds an account with its default folders, only in a local domain, and finds it in any case', async () => {
    expect(await code(store.addAccount('ann@example.test', 'h'))).toBe('invalid');
    await store.addDomain('example.test');
    const ann = await store.addAccount('ann@example.test', 'hash1');
    expect(ann).toMatchObject({ address: 'ann@example.test', passwordHash: 'hash1' });
    expect((await store.findAccount('ANN@Example.Test'))?.id).toBe(ann.id);
    const boxes = await store.listMailboxes(ann.id);
    expect(boxes.map((b) => [b.name, b.specialUse])).toEqual([
      ['Drafts', '\\Drafts'],
      ['INBOX', null],
      ['Junk', '\\Junk'],
      ['Sent', '\\Sent'],
      ['Trash', '\\Trash'],
    ]);
    expect(await store.listSubscriptions(ann.id)).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    expect(await code(store.addAccount('Ann@example.test', 'h'))).toBe('conflict');
  });

  it('changes a password, lists accounts by address and removes one with its mail', async () => {
    await store.addDomain('example.test');
    const bo = await store.addAccount('bo@example.test', 'old');
    await store.addAccount('al@example.test', 'x');
    expect(await store.setPassword('BO@example.test', 'new')).toBe(true);
    expect(await store.setPassword('nobody@example.test', 'new')).toBe(false);
    expect((await store.findAccount('bo@example.test'))?.passwordHash).toBe('new');
    expect((await store.listAccounts()).map((a) => a.address)).toEqual(['al@example.test', 'bo@example.test']);
    const inbox = (await store.findMailbox(bo.id, 'INBOX'))!;
    await store.appendMail(inbox.id, Buffer.from('Subject: x\r\n\r\nx\r\n'), [], Date.now());
    expect(await store.removeAccount('Bo@Example.test')).toBe(true);
    expect(await store.findAccount('bo@example.test')).toBeNull();
    expect(await store.listMailboxes(bo.id)).toEqual([]);
    expect(await store.mailboxVersion(inbox.id)).toBeNull();
    expect(await store.removeAccount('bo@example.test')).toBe(false);
  });

  it('keeps aliases apart from accounts and finds them in any case', async () => {
    await store.addDomain('example.test');
    await store.addAccount('ann@example.test', 'x');
    expect(await code(store.addAlias('ann@example.test', 'x@far.test'))).toBe('conflict');
    expect(await code(store.addAlias('info@other.test', 'ann@example.test'))).toBe('invalid');
    await store.addAlias('info@example.test', 'ann@example.test');
    await store.addAlias('fwd@example.test', 'someone@far.test');
    expect(await code(store.addAlias('INFO@example.test', 'x@far.test'))).toBe('conflict');
    expect(await code(store.addAccount('info@example.test', 'x'))).toBe('conflict');
    expect(await store.findAlias('Info@Example.test')).toEqual({ address: 'info@example.test', target: 'ann@example.test' });
    expect(await store.listAliases()).toEqual([
      { address: 'fwd@example.test', target: 'someone@far.test' },
      { address: 'info@example.test', target: 'ann@example.test' },
    ]);
    expect(await store.removeAlias('FWD@example.test')).toBe(true);
    expect(await store.removeAlias('fwd@example.test')).toBe(false);
    expect(await store.findAlias('fwd@example.test')).toBeNull();
  });

  it('removes a domain with its accounts and aliases', async () => {
    await store.addDomain('example.test');
    await store.addAccount('ann@example.test', 'x');
    await store.addAlias('info@example.test', 'ann@example.test');
    expect(await store.removeDomain('example.test')).toBe(true);
    expect(await store.listAccounts()).toEqual([]);
    expect(await store.listAliases()).toEqual([]);
  });
});
