// Greylisting triplets, the same on every store (SQLite and PostgreSQL): a first attempt is deferred, a
// retry before the delay is deferred with the time left, one after it passes and stays passed, an old
// first attempt starts over, pruning drops what can no longer count; concurrent first attempts are one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GreylistPolicy } from '../../src/store/greylist-store.ts';
import { storeBackends, type FullStore } from './backends.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const policy: GreylistPolicy = { delayMs: 5 * MIN, retryWindowMs: 2 * DAY, passTtlMs: 36 * DAY };
const T = '192.0.2.0/24|sender@far.test|ann@example.test';

describe.each(storeBackends('greylist'))('$name', (backend) => {
  let store: FullStore;

  beforeEach(async () => {
    store = await backend.open();
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  it('defers the first attempt, and a retry before the delay with the time left; passes after it, and remembers', async () => {
    expect(await store.checkGreylist(T, 1_000_000, policy)).toEqual({ pass: false, retryInMs: 5 * MIN });
    expect(await store.checkGreylist(T, 1_000_000 + 2 * MIN, policy)).toEqual({ pass: false, retryInMs: 3 * MIN });
    expect(await store.checkGreylist(T, 1_000_000 + 6 * MIN, policy)).toEqual({ pass: true });
    expect(await store.checkGreylist(T, 1_000_000 + 10 * DAY, policy)).toEqual({ pass: true });
    // Another recipient is another triplet.
    expect((await store.checkGreylist(T.replace('ann@', 'bob@'), 1_000_000 + 10 * DAY, policy)).pass).toBe(false);
  });

  it('a first attempt never retried within the window starts over; a pass unseen for its lifetime is forgotten', async () => {
    await store.checkGreylist(T, 0, policy);
    expect(await store.checkGreylist(T, 3 * DAY, policy)).toEqual({ pass: false, retryInMs: 5 * MIN });
    expect(await store.checkGreylist(T, 3 * DAY + 6 * MIN, policy)).toEqual({ pass: true });
    expect((await store.checkGreylist(T, 3 * DAY + 6 * MIN + 37 * DAY, policy)).pass).toBe(false);
  });

  it('prunes triplets that can no longer pass or stay passed, and keeps the rest', async () => {
    await store.checkGreylist('old-first', 0, policy);
    await store.checkGreylist('old-pass', 0, policy);
    await store.checkGreylist('old-pass', 6 * MIN, policy);
    await store.checkGreylist('fresh', 40 * DAY, policy);
    expect(await store.pruneGreylist(40 * DAY, policy)).toBe(2);
    expect((await store.checkGreylist('fresh', 40 * DAY + 6 * MIN, policy)).pass).toBe(true);
  });

  it('concurrent first attempts of one triplet: all deferred, and the retry after the delay passes', async () => {
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => store.checkGreylist(T, 5_000_000, policy)));
    expect(verdicts.every((v) => !v.pass)).toBe(true);
    expect(await store.checkGreylist(T, 5_000_000 + 5 * MIN, policy)).toEqual({ pass: true });
  });
});
