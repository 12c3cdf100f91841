// Auto-ban and the ban list against a real SQLite store, with explicit clock values: the sliding window,
// the threshold, address forms, loopback, expiry and persistence in the store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { AutoBan } from './auto-ban.ts';
import { BanList } from './ban-list.ts';

let dir: string;
let store: Store;
const log = logger('application');
const T0 = Date.now();
const settings = { failures: 3, windowSeconds: 600, durationSeconds: 3600, loopback: false };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bans-'));
  store = openSqliteStore(path.join(dir, 'mailroom.db'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('AutoBan', () => {
  it('bans on the Nth failure within the window, forgetting failures older than the window', async () => {
    const bans = new BanList(store, { loopback: false }, log);
    const auto = new AutoBan(new EventBus(), bans, settings, log);
    expect(auto.record('203.0.113.5', T0)).toBe(false);
    expect(auto.record('203.0.113.5', T0 + 1_000)).toBe(false);
    // The first failure has left the 600 s window: two in it, no ban.
    expect(auto.record('203.0.113.5', T0 + 600_500)).toBe(false);
    expect(bans.isBanned('203.0.113.5', T0 + 600_500)).toBe(false);
    // The same client written as IPv4-mapped IPv6: its third failure in the window.
    expect(auto.record('::ffff:203.0.113.5', T0 + 600_900)).toBe(true);
    expect(bans.isBanned('203.0.113.5', T0 + 600_900)).toBe(true);
    expect(bans.isBanned('203.0.113.5', T0 + 600_900 + 3_600_000)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve)); // the ban is written after record() returns
    expect(await store.listBans(T0 + 600_900)).toEqual([{ address: '203.0.113.5', reason: 'auto', createdAt: T0 + 600_900, expiresAt: T0 + 600_900 + 3_600_000 }]);
  });

  it('counts failures from the event bus, per address', () => {
    const events = new EventBus();
    const bans = new BanList(store, { loopback: false }, log);
    const auto = new AutoBan(events, bans, settings, log);
    auto.start();
    for (const protocol of ['smtp', 'imap', 'pop3'] as const) events.emit('auth.failed', { protocol, remoteAddress: '2001:db8::1' });
    events.emit('auth.failed', { protocol: 'imap', remoteAddress: '2001:db8::2' });
    auto.stop();
    expect(bans.isBanned('2001:db8::1')).toBe(true);
    expect(bans.isBanned('2001:db8::2')).toBe(false);
  });

  it('leaves loopback alone unless auth.ban_loopback is on', async () => {
    const off = new AutoBan(new EventBus(), new BanList(store, { loopback: false }, log), settings, log);
    for (let i = 0; i < 5; i++) expect(off.record('127.0.0.1', T0 + i)).toBe(false);
    await expect(new BanList(store, { loopback: false }, log).ban('::1', 'manual', 60)).rejects.toThrow(/auth\.ban_loopback/);
    const on = new BanList(store, { loopback: true }, log);
    const auto = new AutoBan(new EventBus(), on, { ...settings, loopback: true }, log);
    for (let i = 0; i < 3; i++) auto.record('127.0.0.1', T0 + i);
    expect(on.isBanned('127.0.0.1', T0 + 10)).toBe(true);
  });
});

describe('BanList', () => {
  it('reads the bans in the store at start (a restart keeps them) and lifts them', async () => {
    await store.addBan({ address: '198.51.100.7', reason: 'manual', createdAt: T0, expiresAt: null });
    await store.addBan({ address: '198.51.100.8', reason: 'auto', createdAt: T0 - 7_200_000, expiresAt: T0 - 3_600_000 });
    const bans = new BanList(store, { loopback: false }, log);
    await bans.start();
    try {
      expect(bans.isBanned('198.51.100.7')).toBe(true);
      expect(bans.isBanned('198.51.100.8')).toBe(false);
      expect(await store.countActiveBans(Date.now())).toBe(1);
      expect(await bans.unban('198.51.100.7')).toBe(true);
      expect(bans.isBanned('198.51.100.7')).toBe(false);
      expect(await bans.unban('198.51.100.7')).toBe(false);
      await expect(bans.ban('not an address', 'manual', 60)).rejects.toThrow(/not an IP address/);
    } finally {
      bans.stop();
    }
  });
});
