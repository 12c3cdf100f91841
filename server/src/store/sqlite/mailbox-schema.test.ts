// SQLite only: the mailbox migration step is idempotent (the contract suite in
// server/test/store-contract/ checks the mailbox store itself on every back end).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAILBOX_MIGRATION } from './migrations-mailbox.ts';
import { openSqlite } from './open.ts';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-mailboxes-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite mailbox schema', () => {
  it('has a migration that can run again on a database that already has it', () => {
    const db = openSqlite(path.join(dir, 'again.db'));
    db.exec(MAILBOX_MIGRATION);
    db.exec(MAILBOX_MIGRATION);
    // The step's own tables and trigger, once each (later steps add objects with the same prefix).
    const names = db.prepare("SELECT name FROM sqlite_master WHERE name GLOB 'mailbox_*' ORDER BY name").pluck().all() as string[];
    expect(names.filter((n) => MAILBOX_MIGRATION.includes(` ${n} `) || MAILBOX_MIGRATION.includes(` ${n}\n`) || MAILBOX_MIGRATION.includes(` ${n} (`))).toEqual([
      'mailbox_state',
      'mailbox_subscribe_on_create',
      'mailbox_subscriptions',
      'mailbox_uid_validity',
    ]);
    db.close();
  });
});
