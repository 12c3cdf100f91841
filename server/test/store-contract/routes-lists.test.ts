// Routes, distribution lists and catch-alls, the same on every store (SQLite and PostgreSQL): a domain's
// own route before the default `*`, replacing keeps one route per domain; lists refuse a taken address
// and a foreign domain, keep members lower-case and go with their domain; a catch-all only on a local domain.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Route } from '../../src/store/route-store.ts';
import { StoreError } from '../../src/store/store-error.ts';
import { storeBackends, type FullStore } from './backends.ts';

const route = (domain: string, host: string, extra: Partial<Route> = {}): Route => ({
  domain,
  host,
  port: 587,
  security: 'starttls',
  username: null,
  password: null,
  createdAt: 1000,
  ...extra,
});

describe.each(storeBackends('routes_lists'))('$name', (backend) => {
  let store: FullStore;

  beforeEach(async () => {
    store = await backend.open();
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  it("finds a domain's own route first, then the default, and replaces a route in place", async () => {
    expect(await store.findRoute('example.test')).toBeNull();
    await store.setRoute(route('*', 'smarthost.test', { security: 'tls', port: 465 }));
    expect((await store.findRoute('example.test'))?.host).toBe('smarthost.test');
    await store.setRoute(route('Example.TEST', 'direct.test', { username: 'u', password: 'p' }));
    expect(await store.findRoute('EXAMPLE.test')).toEqual(route('example.test', 'direct.test', { username: 'u', password: 'p' }));
    await store.setRoute(route('example.test', 'other.test'));
    expect((await store.listRoutes()).map((r) => [r.domain, r.host, r.password])).toEqual([
      ['*', 'smarthost.test', null],
      ['example.test', 'other.test', null],
    ]);
    expect(await store.removeRoute('example.test')).toBe(true);
    expect(await store.removeRoute('example.test')).toBe(false);
    expect((await store.findRoute('example.test'))?.domain).toBe('*');
  });

  it('keeps lists with their members and policy, refuses taken addresses and foreign domains', async () => {
    await store.addDomain('local.test');
    await store.addAccount('alice@local.test', 'hash');
    await expect(store.addList('team@elsewhere.test', 'anyone', 1)).rejects.toMatchObject({ code: 'invalid' });
    await expect(store.addList('Alice@local.test', 'anyone', 1)).rejects.toBeInstanceOf(StoreError);
    await store.addList('Team@Local.test', 'members', 5);
    await expect(store.addList('team@local.test', 'anyone', 1)).rejects.toMatchObject({ code: 'conflict' });
    // A list's address is taken for accounts and aliases too: one address, one meaning.
    await expect(store.addAccount('TEAM@local.test', 'hash')).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.addAlias('team@local.test', 'alice@local.test')).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.addListMember('team@local.test', 'Bob@Remote.test')).toBe(true);
    expect(await store.addListMember('TEAM@local.test', 'alice@local.test')).toBe(true);
    expect(await store.addListMember('team@local.test', 'bob@remote.test')).toBe(false);
    await expect(store.addListMember('nobody@local.test', 'x@y.test')).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.findList('team@LOCAL.test')).toEqual({ address: 'team@local.test', policy: 'members', members: ['alice@local.test', 'bob@remote.test'], createdAt: 5 });
    expect(await store.setListPolicy('team@local.test', 'authenticated')).toBe(true);
    expect(await store.removeListMember('team@local.test', 'BOB@remote.test')).toBe(true);
    expect(await store.listLists()).toEqual([{ address: 'team@local.test', policy: 'authenticated', members: ['alice@local.test'], createdAt: 5 }]);
    await store.addList('empty@local.test', 'anyone', 6);
    expect((await store.findList('empty@local.test'))?.members).toEqual([]);
    await store.removeDomain('local.test');
    expect(await store.listLists()).toEqual([]);
  });

  it('sets and clears the catch-all of a local domain only', async () => {
    await store.addDomain('local.test');
    await store.addDomain('other.test');
    await expect(store.setCatchAll('foreign.test', 'x@local.test')).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.findCatchAll('local.test')).toBeNull();
    await store.setCatchAll('LOCAL.test', 'Postmaster@local.test');
    expect(await store.findCatchAll('local.TEST')).toBe('postmaster@local.test');
    expect(await store.listCatchAlls()).toEqual([{ domain: 'local.test', target: 'postmaster@local.test' }]);
    await store.setCatchAll('local.test', null);
    expect(await store.findCatchAll('local.test')).toBeNull();
    expect(await store.listCatchAlls()).toEqual([]);
  });
});
