import { describe, expect, it } from 'vitest';
import type { StoredMail } from '../store/types.ts';
import { MaildropLocks } from './maildrop-lock.ts';
import { Maildrop } from './maildrop.ts';

const mail = (uid: number, size: number): StoredMail => ({ id: uid * 10, mailboxId: 7, uid, flags: [], internalDate: 0, size, modseq: 1 });
const store = {
  findMailbox: async () => ({ id: 7, accountId: 1, name: 'INBOX', specialUse: null, uidValidity: 1234, uidNext: 9 }),
  listMail: async () => [mail(3, 100), mail(8, 50)],
};

describe('Maildrop', () => {
  it('numbers INBOX from 1 with stable unique ids, and marks deletions until RSET', async () => {
    const drop = await Maildrop.open(store, 1);
    expect(drop.stat()).toEqual({ count: 2, size: 150 });
    expect(drop.uniqueId(drop.get(2))).toBe('1234.8');
    drop.get(1).deleted = true;
    expect(drop.stat()).toEqual({ count: 1, size: 50 });
    expect(() => drop.get(1)).toThrow('Message 1 already deleted');
    expect(() => drop.get(3)).toThrow('No such message');
    expect(drop.deletedUids()).toEqual([3]);
    expect(drop.reset()).toBe(1);
    expect(drop.deletedUids()).toEqual([]);
  });

  it('locks a maildrop for one session at a time', () => {
    const locks = new MaildropLocks();
    expect(locks.tryLock(1)).toBe(true);
    expect(locks.tryLock(1)).toBe(false);
    expect(locks.tryLock(2)).toBe(true);
    locks.unlock(1);
    expect(locks.tryLock(1)).toBe(true);
  });
});
