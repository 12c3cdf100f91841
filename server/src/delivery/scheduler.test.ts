// The scheduler's failure paths, with a real SQLite store: a job that throws is deferred rather than
// stuck in flight, a local recipient whose account is gone is bounced, and in-flight recovery happens
// only once per process, so a stop and start cannot hand a running job to a second worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/settings.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { DeliveryJob } from '../store/types.ts';
import { EventBus } from '../telemetry/events.ts';
import { parseDsn } from '../../test/helpers/dsn.ts';
import { waitFor } from '../../test/helpers/mailbox.ts';
import { MessageIntake } from './accept.ts';
import type { RecipientResult } from './remote.ts';
import { DeliveryScheduler } from './scheduler.ts';

let dir: string;
let store: Store;
let config: Config;
let scheduler: DeliveryScheduler | null = null;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-scheduler-'));
  config = loadConfig({ env: { MAILROOM_DATA_DIR: dir, MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_LOG_LEVEL: 'silent' } });
  store = openSqliteStore(path.join(dir, 'mailroom.db'));
  await store.addDomain('example.test');
  for (const user of ['alice', 'bob', 'carol']) await store.addAccount(`${user}@example.test`, 'x');
});

afterEach(async () => {
  await scheduler?.stop(0);
  scheduler = null;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Remote = ConstructorParameters<typeof DeliveryScheduler>[4];
const noRemote: Remote = async () => {
  throw new Error('no remote delivery in this test');
};

function startScheduler(s: Store, remote: Remote = noRemote): { intake: MessageIntake; scheduler: DeliveryScheduler } {
  const events = new EventBus();
  const intake = new MessageIntake(s, events);
  scheduler = new DeliveryScheduler(config, s, intake, events, remote);
  return { intake, scheduler };
}

async function local(address: string) {
  const account = (await store.findAccount(address))!;
  return { address: account.address, destination: 'local' as const, accountId: account.id };
}

async function inbox(address: string): Promise<string[]> {
  const account = await store.findAccount(address);
  if (!account) return [];
  const box = (await store.listMailboxes(account.id)).find((b) => b.name === 'INBOX')!;
  return Promise.all((await store.listMail(box.id)).map(async (m) => (await store.readMail(m.id))!.toString()));
}

describe('DeliveryScheduler', () => {
  it('defers the recipients of a job whose store write fails, to their pre-written retry time', async () => {
    const failing: Store = { ...store, deliverLocal: async () => Promise.reject(new Error('disk I/O error')) };
    const { intake, scheduler: s } = startScheduler(failing);
    await s.start();
    // Queued directly: the intake would file local mail at once without the scheduler.
    const id = intake.newId();
    await store.enqueue({ id, sender: 'x@remote.test', recipients: [await local('alice@example.test')], source: 'smtp', content: Buffer.from('Subject: t\r\n\r\nb\r\n') });
    s.wake();
    const rcpt = await waitFor(
      async () => (await store.getQueueMessage(id))!.recipients[0]!,
      (r) => r.state === 'deferred',
      10_000,
      'the failed job to be deferred',
    );
    expect(rcpt.lastError).toBe('internal error: disk I/O error');
    expect(rcpt.attempts).toBe(1);
    expect(rcpt.nextAttemptAt - rcpt.lastAttemptAt!).toBe(60_000);
    expect(await inbox('alice@example.test')).toEqual([]);
  });

  it('defers a local recipient whose mailbox is over its quota with 4.2.2, and delivers to the others', async () => {
    const { intake, scheduler: s } = startScheduler(store);
    await s.start();
    await store.setQuota('bob@example.test', { messages: 1 });
    await store.appendMail((await store.findMailbox((await local('bob@example.test')).accountId, 'INBOX'))!.id, Buffer.from('Subject: old\r\n\r\nb\r\n'), [], Date.now());
    // Queued directly: the intake would file local mail at once without the scheduler.
    const id = intake.newId();
    await store.enqueue({
      id,
      sender: 'x@remote.test',
      recipients: [await local('alice@example.test'), await local('bob@example.test')],
      source: 'api',
      content: Buffer.from('Subject: t\r\n\r\nb\r\n'),
    });
    s.wake();
    const bob = await waitFor(
      async () => (await store.getQueueMessage(id))!.recipients.find((r) => r.address === 'bob@example.test')!,
      (r) => r.state === 'deferred',
      10_000,
      'the full mailbox to be deferred',
    );
    expect(bob.lastError).toBe('4.2.2 <bob@example.test>: mailbox full: over its storage quota');
    expect(await inbox('bob@example.test')).toHaveLength(1);
    await waitFor(
      () => inbox('alice@example.test'),
      (m) => m.length === 1,
      10_000,
      'delivery to alice',
    );
    expect((await store.getQueueMessage(id))!.recipients.map((r) => [r.address, r.state])).toEqual([
      ['alice@example.test', 'delivered'],
      ['bob@example.test', 'deferred'],
    ]);
  });

  it('sends mail from outside SMTP for a full mailbox through the queue instead of filing it', async () => {
    const { intake, scheduler: s } = startScheduler(store);
    await s.start();
    await store.setQuota('bob@example.test', { bytes: 10 });
    const id = await intake.accept(intake.newId(), { sender: 'x@remote.test', recipients: [await local('bob@example.test')], source: 'api' }, Buffer.from('Subject: t\r\n\r\nb\r\n'));
    const bob = await waitFor(
      async () => (await store.getQueueMessage(id))?.recipients[0],
      (r) => r?.state === 'deferred',
      10_000,
      'the full mailbox to be deferred',
    );
    expect(bob!.lastError).toBe('4.2.2 <bob@example.test>: mailbox full: over its storage quota');
    expect(await inbox('bob@example.test')).toEqual([]);
  });

  it('bounces a local recipient whose account was removed, and delivers to the others', async () => {
    const { intake, scheduler: s } = startScheduler(store);
    const recipients = [await local('alice@example.test'), await local('bob@example.test')];
    await store.removeAccount('bob@example.test');
    await intake.accept(intake.newId(), { sender: 'carol@example.test', recipients, source: 'submission' }, Buffer.from('Subject: to two\r\n\r\nb\r\n'));
    await s.start();
    const dsns = await waitFor(
      () => inbox('carol@example.test'),
      (m) => m.length === 1,
      10_000,
      'a bounce to carol',
    );
    const dsn = await parseDsn(dsns[0]!);
    expect(dsn.recipients.map((r) => [r['final-recipient'], r.status])).toEqual([['rfc822; bob@example.test', '5.1.1']]);
    expect(await inbox('alice@example.test')).toHaveLength(1);
    await waitFor(
      () => store.listQueue({ offset: 0, limit: 10 }, Date.now()),
      (q) => q.total === 0,
      10_000,
      'an empty queue',
    );
  });

  it('recovers in-flight recipients at its first start only; a job that outlives a stop finishes once', async () => {
    // A recipient left in flight by a "crash": the first start defers it.
    await store.enqueue({ id: 'LEFTOVER', sender: 'x@remote.test', recipients: [{ address: 'y@remote.test', destination: 'remote' }], content: Buffer.from('x'), source: 'smtp' });
    await store.claimNextJob(Date.now(), () => Date.now() + 3_600_000, new Set());

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: DeliveryJob[] = [];
    const slowRemote: Remote = async (job) => {
      calls.push(job);
      await gate;
      return new Map<number, RecipientResult>(job.recipients.map((r) => [r.id, { result: 'delivered' }]));
    };
    const { intake, scheduler: s } = startScheduler(store, slowRemote);
    await s.start();
    expect((await store.getQueueMessage('LEFTOVER'))!.recipients[0]!.state).toBe('deferred');

    const id = await intake.accept(intake.newId(), { sender: 'alice@example.test', recipients: [{ address: 'z@remote.test', destination: 'remote' }], source: 'submission' }, Buffer.from('x'));
    await waitFor(
      () => calls.length,
      (n) => n === 1,
      10_000,
      'the remote attempt to start',
    );
    await s.stop(0);
    await s.start();
    // Still ours, still in flight: a second start must not make it claimable again.
    expect((await store.getQueueMessage(id))!.recipients[0]!.state).toBe('in_flight');
    await s.stop(0);
    await store.sendNow({ id }, Date.now());
    await s.start();
    release();
    await waitFor(
      () => store.getQueueMessage(id),
      (m) => m === null,
      10_000,
      'the job to finish',
    );
    expect(calls.map((j) => j.messageId)).toEqual([id]);
  });
});
