// The admin queue actions on a real SQLite store: "bounce" fails the pending recipients and queues the
// DSN in the same transaction; hold, release and send-now change what the scheduler may claim.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { EventBus } from '../telemetry/events.ts';
import { parseDsn } from '../../test/helpers/dsn.ts';
import { MessageIntake } from './accept.ts';
import { QueueOperations } from './queue-ops.ts';
import { DeliveryScheduler } from './scheduler.ts';

let dir: string;
let store: Store;
let ops: QueueOperations;
let intake: MessageIntake;
let finals: Array<{ destination: string; result: string }>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-queue-ops-'));
  const config = loadConfig({ env: { MAILROOM_DATA_DIR: dir, MAILROOM_HOSTNAME: 'mx.mailroom.test' } });
  store = openSqliteStore(path.join(dir, 'mailroom.db'));
  await store.addDomain('example.test');
  await store.addAccount('alice@example.test', 'x');
  const events = new EventBus();
  finals = [];
  events.on('delivery.final', ({ destination, result }) => finals.push({ destination, result }));
  intake = new MessageIntake(store, events);
  // Never started: these tests look at the queue, not at deliveries.
  ops = new QueueOperations(store, new DeliveryScheduler(config, store, intake, events));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const queue = (sender: string, to: string) =>
  intake.accept(intake.newId(), { sender, recipients: [{ address: to, destination: 'remote' }], source: 'submission' }, Buffer.from('Subject: stuck\r\n\r\nbody\r\n'));

describe('QueueOperations', () => {
  it('bounce fails the message and queues a DSN to the sender in its place', async () => {
    const id = await queue('alice@example.test', 'far@remote.test');
    expect(await ops.bounce(id, 'stuck for too long')).toBe(true);
    expect(await ops.get(id)).toBeNull();
    const { items } = await ops.list({ offset: 0, limit: 10 });
    expect(items.map((m) => [m.sender, m.source, m.recipients.map((r) => r.address)])).toEqual([['', 'bounce', ['alice@example.test']]]);
    const dsn = await parseDsn((await ops.content(items[0]!.id))!);
    expect(dsn.recipients.map((r) => [r['final-recipient'], r.action, r.status])).toEqual([['rfc822; far@remote.test', 'failed', '5.0.0']]);
    expect(dsn.parts[0]!.body).toContain('stuck for too long');
    // The recipient's final outcome, for mailroom_message_queue_time_seconds, and its line in the trace.
    expect(finals).toEqual([{ destination: 'remote', result: 'bounced' }]);
    expect((await store.getHistory(id))!.attempts).toEqual([expect.objectContaining({ recipient: 'far@remote.test', result: 'bounced', replyText: 'stuck for too long' })]);
    expect(await ops.bounce(id)).toBe(false);
    expect(finals).toHaveLength(1);
  });

  it('bounce of a message from the null sender fails it without a DSN', async () => {
    const id = await queue('', 'far@remote.test');
    expect(await ops.bounce(id)).toBe(true);
    expect((await ops.list({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('hold, release and send-now', async () => {
    const id = await queue('alice@example.test', 'far@remote.test');
    expect(await ops.hold(id)).toBe(true);
    expect((await ops.get(id))!.state).toBe('held');
    expect(await store.nextDueAt()).toBeNull();
    expect(await ops.release(id)).toBe(true);
    expect((await ops.get(id))!.state).toBe('queued');
    expect(await ops.sendNow(id)).toBe(true);
    expect(await ops.sendNow('unknown')).toBe(false);
    expect(await ops.remove(id)).toBe(true);
    expect(await ops.clear()).toBe(0);
  });
});
