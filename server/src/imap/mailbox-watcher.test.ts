import { logger } from '../telemetry/log.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MailboxVersion } from '../store/mailbox-store.ts';
import { MailboxWatcher } from './mailbox-watcher.ts';

const versions = new Map<number, MailboxVersion>();
let reads = 0;
const store = {
  mailboxVersions: async (ids: readonly number[]) => {
    reads++;
    return new Map(ids.filter((id) => versions.has(id)).map((id) => [id, versions.get(id)!]));
  },
};

beforeEach(() => {
  vi.useFakeTimers();
  versions.clear();
  reads = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MailboxWatcher', () => {
  it('calls back when the counters move past what the session knew, once per change', async () => {
    const watcher = new MailboxWatcher(store, 100, logger('imap'));
    versions.set(1, { uidNext: 5, modseq: 2 });
    const calls: string[] = [];
    const stop = watcher.watch(1, { uidNext: 5, modseq: 2 }, () => calls.push('a'));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([]);
    versions.set(1, { uidNext: 6, modseq: 2 });
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['a']);
    versions.delete(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['a', 'a']);
    stop();
  });

  it('reads all watched mailboxes in one query per interval, and stops when nobody watches', async () => {
    const watcher = new MailboxWatcher(store, 100, logger('imap'));
    versions.set(1, { uidNext: 1, modseq: 0 });
    versions.set(2, { uidNext: 1, modseq: 0 });
    const seen: number[] = [];
    const stops = [1, 2, 2].map((id) => watcher.watch(id, { uidNext: 1, modseq: 0 }, () => seen.push(id)));
    versions.set(2, { uidNext: 1, modseq: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(reads).toBe(1);
    expect(seen).toEqual([2, 2]);
    for (const stop of stops) stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(reads).toBe(1);
  });
});
