// The pruner keeps delivery.history_days of finished messages' history and reads the setting at each
// run (it is reloadable), with a real SQLite store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/settings.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { HistoryPruner } from './history-pruner.ts';

let dir: string;
let store: Store;
let config: Config;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-pruner-'));
  config = loadConfig({ env: { MAILROOM_DATA_DIR: dir, MAILROOM_LOG_LEVEL: 'silent' } });
  store = openSqliteStore(path.join(dir, 'mailroom.db'));
  await store.addDomain('example.test');
  const alice = await store.addAccount('alice@example.test', 'x');
  await store.acceptMessages(
    [{ id: 'PRUNE1', sender: 's@remote.test', recipients: [{ address: alice.address, destination: 'local', accountId: alice.id }], content: Buffer.from('Subject: x\r\n\r\nx\r\n'), source: 'smtp' }],
    Date.now(),
    true,
  );
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('keeps history_days (7 by default) and follows a changed setting at the next run', async () => {
  expect(config['delivery.history_days']).toBe(7);
  const pruner = new HistoryPruner(config, store);
  const day = 86_400_000;
  expect(await pruner.prune(Date.now() + 6 * day)).toBe(0);
  expect(await store.getHistory('PRUNE1')).not.toBeNull();
  (config as { 'delivery.history_days': number })['delivery.history_days'] = 5; // what a reload does to the shared object
  expect(await pruner.prune(Date.now() + 6 * day)).toBe(1);
  expect(await store.getHistory('PRUNE1')).toBeNull();
});
