// The accept worker against a real database file: what it commits is durable and visible to any other
// connection once the promise resolves; batches that wait while it is busy share one transaction; one
// bad batch fails alone; a crash rejects what was not answered and the next batch gets a new thread;
// close answers everything already sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.ts';
import type { NewMessage, NewRecipient } from '../types.ts';
import { AcceptWriter } from './accept-writer.ts';
import { openSqliteStore } from './sqlite-store.ts';

let dir: string;
let file: string;
let store: Store;
let alice: NewRecipient;
let writer: AcceptWriter;
let transactions: number[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-accept-writer-'));
  file = path.join(dir, 'mailroom.db');
  // Migrates the file and makes the account; its own acceptMessages stays out of these tests.
  store = openSqliteStore(file, { acceptWorker: false });
  await store.addDomain('example.test');
  const a = await store.addAccount('alice@example.test', 'x');
  alice = { address: a.address, destination: 'local', accountId: a.id };
  transactions = [];
  writer = new AcceptWriter(file, { onCommit: (messages) => transactions.push(messages) });
});

afterEach(async () => {
  await writer.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function message(recipients: NewRecipient[], extra: Partial<NewMessage> = {}): NewMessage {
  seq++;
  return { id: `W${String(seq).padStart(5, '0')}`, sender: 'sender@remote.test', recipients, content: Buffer.from(`Subject: w${seq}\r\n\r\nbody ${seq}\r\n`), source: 'smtp', ...extra };
}
const remote = (address: string): NewRecipient => ({ address, destination: 'remote' });

/** What a connection opened after the fact finds: the test of "committed", not of "cached somewhere". */
function onDisk(): { mail: string[]; queued: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const mail = db.prepare('SELECT content FROM mail ORDER BY id').pluck().all() as Buffer[];
    const queued = db.prepare('SELECT id FROM queue_messages ORDER BY id').pluck().all() as string[];
    return { mail: mail.map((c) => c.toString()), queued };
  } finally {
    db.close();
  }
}

/** Holds the write lock from another connection, so the worker's next commit has to wait for it. */
function holdWriteLock(): () => void {
  const db = new Database(file);
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('COMMIT');
    db.close();
  };
}

describe('AcceptWriter', () => {
  it('resolves after the commit: a fresh connection sees the filed and the queued message', async () => {
    const local = message([alice]);
    const outbound = message([remote('bob@far.test')]);
    const results = await writer.accept([local, outbound], Date.now(), true);
    expect(results).toEqual([
      { id: local.id, filed: 1, queued: 0 },
      { id: outbound.id, filed: 0, queued: 1 },
    ]);
    expect(onDisk()).toEqual({ mail: [local.content.toString()], queued: [outbound.id] });
  });

  it('packs later requests into the buffers the worker hands back, without stale bytes', async () => {
    const big = message([alice], { content: Buffer.alloc(200 * 1024, 0x62) });
    await writer.accept([big], Date.now(), true);
    const small = [message([alice]), message([remote('bob@far.test')])];
    await writer.accept(small, Date.now(), true);
    const last = message([alice], { content: Buffer.from('Subject: last\r\n\r\nx\r\n') });
    await writer.accept([last], Date.now(), true);
    expect(writer.buffers.reused).toBe(2);
    expect(onDisk().mail).toEqual([big.content.toString(), small[0]!.content.toString(), last.content.toString()]);
  });

  it('puts the batches that wait while it is busy into one transaction', async () => {
    const release = holdWriteLock();
    const messages = Array.from({ length: 20 }, () => message([alice]));
    const all = Promise.all(messages.map((m) => writer.accept([m], Date.now(), true)));
    release();
    await all;
    // Every batch was sent before the lock went: the worker drains them together, except the first one
    // if it was already waiting for the lock.
    expect(transactions.reduce((a, b) => a + b, 0)).toBe(20);
    expect(transactions.length).toBeLessThanOrEqual(2);
    expect(onDisk().mail).toHaveLength(20);
  });

  it('fails only the batch with the bad message when batches share a transaction', async () => {
    const first = message([remote('x@far.test')]);
    await writer.accept([first], Date.now(), true);
    const release = holdWriteLock();
    // The first batch is sent at once and waits for the lock; the next two wait on the main thread and
    // then travel in one request into one transaction, which the duplicate makes fail.
    const decoy = writer.accept([message([alice])], Date.now(), true);
    const good = message([alice]);
    const duplicate = writer.accept([message([remote('y@far.test')], { id: first.id })], Date.now(), true);
    const fine = writer.accept([good], Date.now(), true);
    release();
    await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await expect(fine).resolves.toEqual([{ id: good.id, filed: 1, queued: 0 }]);
    await decoy;
    expect(onDisk().mail).toHaveLength(2);
    expect(onDisk().mail).toContain(good.content.toString());
    expect(transactions).toContain(1); // the good batch committed on its own after the shared attempt failed
  });

  it('close answers every batch already sent, then refuses new ones', async () => {
    const messages = Array.from({ length: 30 }, () => message([alice]));
    const sent = messages.map((m) => writer.accept([m], Date.now(), true));
    const closed = writer.close();
    await expect(Promise.all(sent)).resolves.toHaveLength(30);
    await closed;
    expect(onDisk().mail).toHaveLength(30);
    await expect(writer.accept([message([alice])], Date.now(), true)).rejects.toThrow(/closed/);
  });

  it('a crash rejects what the thread had not answered; the next batch starts a new thread', async () => {
    await writer.close();
    writer = new AcceptWriter(file, { entry: new URL('./fixtures/accept-worker-crashing.ts', import.meta.url) });
    await writer.accept([message([alice])], Date.now(), true); // a healthy thread first
    const crash = writer.accept([message([alice], { sender: 'crash@example.test' })], Date.now(), true);
    const behind = writer.accept([message([alice])], Date.now(), true);
    await expect(crash).rejects.toThrow(/accept worker stopped \(exit code 3\)/);
    await expect(behind).rejects.toThrow(/accept worker stopped/);
    const after = message([alice]);
    await expect(writer.accept([after], Date.now(), true)).resolves.toEqual([{ id: after.id, filed: 0, queued: 1 }]);
  });

  it('a thread that cannot open the database rejects the batch instead of hanging', async () => {
    const broken = new AcceptWriter(path.join(file, 'not-a-directory', 'mailroom.db'));
    await expect(broken.accept([message([alice])], Date.now(), true)).rejects.toThrow(/accept worker failed/);
    await broken.close();
  });
});
