// DKIM signing keys, the same on every store (SQLite and PostgreSQL): one active key per domain, the newest
// added; removing the active one hands over to the newest left; listings never carry the private key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DkimKey } from '../../src/store/dkim-key-store.ts';
import { storeBackends, type FullStore } from './backends.ts';

const key = (domain: string, selector: string, createdAt: number, algorithm: DkimKey['algorithm'] = 'rsa'): DkimKey => ({
  domain,
  selector,
  algorithm,
  publicKey: `pub-${selector}`,
  privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${selector}\n-----END PRIVATE KEY-----\n`,
  createdAt,
  active: true,
});

describe.each(storeBackends('dkim_keys'))('$name', (backend) => {
  let store: FullStore;

  beforeEach(async () => {
    store = await backend.open();
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  it('makes the newest key of a domain the active one and keeps the older selectors listed', async () => {
    expect(await store.activeDkimKey('example.test')).toBeNull();
    expect(await store.addDkimKey(key('example.test', 'old', 1000))).toBe(true);
    expect(await store.addDkimKey(key('example.test', 'new', 2000, 'ed25519'))).toBe(true);
    expect(await store.addDkimKey(key('other.test', 'old', 1500))).toBe(true);
    expect(await store.activeDkimKey('example.test')).toEqual(key('example.test', 'new', 2000, 'ed25519'));
    const listed = await store.listDkimKeys();
    expect(listed.map((k) => [k.domain, k.selector, k.active])).toEqual([
      ['example.test', 'old', false],
      ['example.test', 'new', true],
      ['other.test', 'old', true],
    ]);
    expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
    expect((await store.listDkimKeys('other.test')).map((k) => k.selector)).toEqual(['old']);
  });

  it('refuses a selector the domain already has, leaving the active key alone', async () => {
    await store.addDkimKey(key('example.test', 's1', 1000));
    await store.addDkimKey(key('example.test', 's2', 2000));
    expect(await store.addDkimKey(key('example.test', 's1', 3000))).toBe(false);
    expect((await store.activeDkimKey('example.test'))?.selector).toBe('s2');
    expect((await store.listDkimKeys('example.test')).map((k) => k.createdAt)).toEqual([1000, 2000]);
  });

  it('hands over to the newest remaining key when the active one is removed', async () => {
    await store.addDkimKey(key('example.test', 'a', 1000));
    await store.addDkimKey(key('example.test', 'b', 2000));
    await store.addDkimKey(key('example.test', 'c', 3000));
    expect(await store.removeDkimKey('example.test', 'a')).toBe(true);
    expect((await store.activeDkimKey('example.test'))?.selector).toBe('c');
    expect(await store.removeDkimKey('example.test', 'c')).toBe(true);
    expect((await store.activeDkimKey('example.test'))?.selector).toBe('b');
    expect(await store.removeDkimKey('example.test', 'c')).toBe(false);
    expect(await store.removeDkimKey('example.test', 'b')).toBe(true);
    expect(await store.activeDkimKey('example.test')).toBeNull();
  });

  it('keeps the keys across a reopen', async () => {
    await store.addDkimKey(key('example.test', 'kept', 1000, 'ed25519'));
    await store.close();
    store = await backend.reopen();
    expect(await store.activeDkimKey('example.test')).toEqual(key('example.test', 'kept', 1000, 'ed25519'));
  });
});
