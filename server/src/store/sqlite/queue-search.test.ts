// The planned search (queue-search.ts): a rare part of the search is looked up, and every candidate is
// checked against the whole search, so a row that matches only the part is not an answer.
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.ts';

describe('queue search through the trigram index', () => {
  it('checks candidates of the rare window against the whole search', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const enqueue = (id: string, address: string) =>
        store.enqueue({ id, sender: 'common@sender.example', recipients: [{ address, destination: 'remote' }], content: Buffer.from('x'), source: 'smtp' });
      // Many rows share the common trigrams, few the rare ones: the plan looks up "qz42." or near it.
      for (let i = 0; i < 60; i++) await enqueue(`COMMON${String(i).padStart(4, '0')}`, `user${i}@dest.example`);
      await enqueue('RAREHIT01', 'user@qz42.example');
      await enqueue('RAREMISS1', 'user@qz42.elsewhere');
      await enqueue('RAREMISS2', 'qz42@other.example');
      const page = await store.listQueue({ offset: 0, limit: 50, search: 'qz42.example' }, Date.now());
      expect(page.items.map((m) => m.id)).toEqual(['RAREHIT01']);
      expect((await store.listQueue({ offset: 0, limit: 50, search: 'QZ42' }, Date.now())).items.map((m) => m.id)).toEqual(['RAREHIT01', 'RAREMISS1', 'RAREMISS2']);
      expect((await store.listQueue({ offset: 0, limit: 50, search: 'sender.example' }, Date.now())).total).toBe(63);
    } finally {
      await store.close();
    }
  });

  it('clears the index with the whole queue at once, and indexes what comes after', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const enqueue = (id: string, address: string) => store.enqueue({ id, sender: 's@src.test', recipients: [{ address, destination: 'remote' }], content: Buffer.from('x'), source: 'smtp' });
      await enqueue('OLD000001', 'gone@old.test');
      await enqueue('OLD000002', 'gone2@old.test');
      expect(await store.removeMessages({})).toBe(2);
      await enqueue('NEW000001', 'here@new.test');
      expect((await store.listQueue({ offset: 0, limit: 50, search: 'old.test' }, Date.now())).total).toBe(0);
      expect((await store.listQueue({ offset: 0, limit: 50, search: 'new.test' }, Date.now())).items.map((m) => m.id)).toEqual(['NEW000001']);
      // The flag is gone with the transaction: a later removal leaves the index one row at a time again.
      await store.removeMessages({ id: 'NEW000001' });
      await enqueue('NEW000002', 'again@new.test');
      expect((await store.listQueue({ offset: 0, limit: 50, search: 'new.test' }, Date.now())).items.map((m) => m.id)).toEqual(['NEW000002']);
    } finally {
      await store.close();
    }
  });
});
