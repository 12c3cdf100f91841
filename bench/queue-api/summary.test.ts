// The queue listing reads a summary that triggers keep (migrations-queue-index.ts) instead of deriving
// each message's state from its recipients. This drives the store through random sequences of every
// queue operation, the admin's and the scheduler's, and checks after each step that the summary, the
// per-state counts and the search text say exactly what the old derivation says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE_INDEX_MIGRATION } from '../../server/src/store/sqlite/migrations-queue-index.ts';
import type { Db } from '../../server/src/store/sqlite/open.ts';
import { openSqlite } from '../../server/src/store/sqlite/open.ts';
import { SqliteQueue } from '../../server/src/store/sqlite/queue.ts';
import { SqliteQueueAdmin } from '../../server/src/store/sqlite/queue-admin.ts';
import type { NewMessage, NewRecipient, QueueState } from '../../server/src/store/types.ts';

/** The listing as it was before the summary: derived from the recipients for every message. */
const DERIVED = `
  SELECT m.id,
    CASE
      WHEN m.held = 1 THEN 'held'
      WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'in_flight') THEN 'in_flight'
      WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'deferred') THEN 'deferred'
      ELSE 'queued'
    END AS state,
    COALESCE((SELECT MAX(r.attempts) FROM queue_recipients r WHERE r.message_id = m.id), 0) AS attempts,
    (SELECT MIN(r.next_attempt_at) FROM queue_recipients r WHERE r.message_id = m.id AND r.state IN ('queued', 'deferred')) AS next_attempt_at,
    m.created_at, m.size
  FROM queue_messages m ORDER BY m.id`;

const SUMMARY = `SELECT message_id AS id, state, attempts, next_attempt_at, created_at, size FROM queue_message_summary ORDER BY message_id`;

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

let dir: string;
let db: Db;
let queue: SqliteQueue;
let admin: SqliteQueueAdmin;
/** The same store, but a search with more than 2 matches walks the index instead of sorting them. */
let walker: SqliteQueueAdmin;
const WALKER_COUNT_MAX = 2;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-queue-summary-'));
  db = openSqlite(path.join(dir, 'mailroom.db'));
  admin = new SqliteQueueAdmin(db);
  walker = new SqliteQueueAdmin(db, WALKER_COUNT_MAX);
  queue = new SqliteQueue(db);
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectConsistent(step: string): void {
  const derived = db.prepare(DERIVED).all();
  expect(db.prepare(SUMMARY).all(), step).toEqual(derived);
  const counts = Object.fromEntries((db.prepare('SELECT state, messages FROM queue_state_counts').all() as { state: string; messages: number }[]).map((r) => [r.state, r.messages]));
  const expected: Record<string, number> = { queued: 0, deferred: 0, held: 0, in_flight: 0 };
  for (const row of derived as { state: QueueState }[]) expected[row.state]!++;
  expect(counts, step).toEqual(expected);
  // The search text holds the queue id, the sender and every recipient address.
  const fields = (text: string) => [text.split('\u0001')[0], text.split('\u0001')[1], ...text.split('\u0001').slice(2).sort()];
  const searchText = db.prepare('SELECT message_id, search FROM queue_message_summary ORDER BY message_id').all() as { message_id: string; search: string }[];
  const expectedText = db
    .prepare(
      `SELECT m.id AS message_id, m.id || char(1) || m.sender || COALESCE((SELECT group_concat(char(1) || r.address, '') FROM queue_recipients r WHERE r.message_id = m.id), '') AS search FROM queue_messages m ORDER BY m.id`,
    )
    .all() as { message_id: string; search: string }[];
  expect(
    searchText.map((r) => [r.message_id, fields(r.search)]),
    step,
  ).toEqual(expectedText.map((r) => [r.message_id, fields(r.search)]));
}

/** What the search returned before the trigram index: LIKE over every message. */
function likeSearch(text: string): string[] {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .prepare(
      `SELECT m.id FROM queue_messages m WHERE m.id LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\'
       OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address LIKE ? ESCAPE '\\') ORDER BY m.created_at, m.id`,
    )
    .pluck()
    .all(like, like, like) as string[];
}

describe('queue listing summary', () => {
  it('matches the derivation from the recipients through random operations', async () => {
    const random = prng(20261128);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const domains = ['one.test', 'two.test', 'Three.Test', 'four_x.test'];
    let now = 1_800_000_000_000;
    let seq = 0;
    const ids = () => db.prepare('SELECT id FROM queue_messages').pluck().all() as string[];

    for (let step = 0; step < 600; step++) {
      now += 1000;
      const op = random();
      let what: string;
      if (op < 0.3 || ids().length === 0) {
        const recipients: NewRecipient[] = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({
          address: `user${seq}.${k}@${pick(domains)}`,
          destination: 'remote',
        }));
        const message: NewMessage = { id: `Q${String(seq++).padStart(6, '0')}`, sender: pick(['', 'a@src.test', 'B%b@Src.test']), recipients, content: Buffer.alloc(10 + seq), source: 'smtp' };
        await queue.enqueue(message);
        what = `enqueue ${message.id}`;
      } else if (op < 0.55) {
        const job = await queue.claimNextJob(now + 10_000_000, (a) => now + a * 60_000, new Set());
        what = `claim ${job?.messageId}`;
        if (job && random() < 0.8) {
          const outcomes = job.recipients.map((r) => {
            const result = pick(['delivered', 'deferred', 'deferred', 'bounced'] as const);
            return { recipientId: r.id, result, error: result === 'delivered' ? undefined : `4.0.0 try ${r.attempts}`, retryAt: result === 'deferred' ? now + 120_000 : undefined };
          });
          await queue.recordOutcomes(job.messageId, outcomes, now);
          what += ' and outcomes';
        }
      } else if (op < 0.65) {
        const id = pick(ids());
        await admin.setHeld(id, random() < 0.6);
        what = `hold/release ${id}`;
      } else if (op < 0.72) {
        const id = pick(ids());
        await admin.sendNow(random() < 0.5 ? { id } : { search: pick(domains) }, now);
        what = `send now ${id}`;
      } else if (op < 0.78) {
        const id = pick(ids());
        await admin.failMessage(id, 'cancelled', (failed) => ({
          id: `DSN${seq++}`,
          sender: '',
          recipients: [{ address: 'a@src.test', destination: 'remote' }],
          content: Buffer.from(`${failed.length}`),
          source: 'bounce',
        }));
        what = `bounce ${id}`;
      } else if (op < 0.84) {
        const id = pick(ids());
        await admin.removeMessages(random() < 0.7 ? { id } : { search: `user${Math.floor(random() * seq)}.` });
        what = `remove ${id}`;
      } else if (op < 0.88) {
        await queue.recoverInFlight();
        what = 'recover in flight';
      } else if (op < 0.92) {
        // A recipient row deleted on its own (no code path does this today; the triggers must still cope),
        // never a message's last: every queued message has a recipient, and the search finds a message
        // through its recipients' rows of the trigram index (migrations-queue-search.ts).
        const r = db
          .prepare('SELECT id FROM queue_recipients WHERE message_id IN (SELECT message_id FROM queue_recipients GROUP BY message_id HAVING count(*) > 1) ORDER BY random() LIMIT 1')
          .pluck()
          .get();
        db.prepare('DELETE FROM queue_recipients WHERE id = ?').run(r);
        what = `delete recipient ${r}`;
      } else {
        const filter = {
          search: pick(['Q0000', 'three.test', 'b%b', 'USER1', '.t', '_x', 'nothing', `test${'\u0001'}user`, `0${'\u0001'}a@`]),
          state: pick([undefined, 'queued', 'deferred', 'held', 'in_flight'] as const),
        };
        const stateOf = new Map((db.prepare(DERIVED).all() as { id: string; state: string }[]).map((d) => [d.id, d.state]));
        const expected = likeSearch(filter.search).filter((id) => !filter.state || stateOf.get(id) === filter.state);
        // Both ways a search finds its page: sorting few matches, walking the index past many.
        // The walker counts 2 matches at most, then answers "at least 2" (totalExact false).
        for (const [lister, countMax] of [
          [admin, Infinity],
          [walker, WALKER_COUNT_MAX],
        ] as const) {
          const counted = expected.length > countMax ? { total: countMax, totalExact: false } : { total: expected.length, totalExact: true };
          const all = await lister.listQueue({ ...filter, offset: 0, limit: 500 }, now);
          expect(
            all.items.map((m) => m.id),
            JSON.stringify(filter),
          ).toEqual(expected);
          expect({ total: all.total, totalExact: all.totalExact ?? true }, JSON.stringify(filter)).toEqual(counted);
          const second = await lister.listQueue({ ...filter, offset: 2, limit: 3, sort: '-created' }, now);
          expect(
            second.items.map((m) => m.id),
            JSON.stringify(filter),
          ).toEqual([...expected].reverse().slice(2, 5));
          expect(second.total).toBe(counted.total);
        }
        what = `search ${JSON.stringify(filter)}`;
      }
      expectConsistent(`step ${step}: ${what}`);
    }
    expect(seq).toBeGreaterThan(100);
  });

  it('lists by every sort and state as the derivation orders them', async () => {
    for (let i = 0; i < 40; i++) {
      await queue.enqueue({
        id: `M${String(i).padStart(3, '0')}`,
        sender: `s${i % 3}@x.test`,
        recipients: [{ address: `r${i}@y.test`, destination: 'remote' }],
        content: Buffer.alloc(100 + ((i * 37) % 50)),
        source: 'smtp',
      });
    }
    const t = Date.now() + 3_600_000;
    for (let i = 0; i < 25; i++) {
      const job = (await queue.claimNextJob(t, (a) => t + ((i * 7) % 5) * 60_000 + a, new Set()))!;
      if (i % 5 !== 0) await queue.recordOutcomes(job.messageId, [{ recipientId: job.recipients[0]!.id, result: 'deferred', error: `e${i}` }], t);
    }
    await admin.setHeld('M030', true);
    const derived = db.prepare(DERIVED).all() as { id: string; state: string; attempts: number; next_attempt_at: number | null; created_at: number; size: number }[];
    const sorts = {
      created: (a: (typeof derived)[0], b: (typeof derived)[0]) => a.created_at - b.created_at,
      size: (a: (typeof derived)[0], b: (typeof derived)[0]) => a.size - b.size,
      attempts: (a: (typeof derived)[0], b: (typeof derived)[0]) => a.attempts - b.attempts,
      next_attempt: (a: (typeof derived)[0], b: (typeof derived)[0]) => (a.next_attempt_at ?? -Infinity) - (b.next_attempt_at ?? -Infinity) || 0,
    };
    for (const [name, compare] of Object.entries(sorts)) {
      for (const state of [undefined, 'queued', 'deferred', 'in_flight', 'held'] as const) {
        const rows = derived.filter((d) => !state || d.state === state);
        const asc = [...rows].sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : 1)).map((d) => d.id);
        const desc = [...rows].sort((a, b) => compare(b, a) || (a.id < b.id ? 1 : -1)).map((d) => d.id);
        const list = async (sort: string, offset: number) => (await admin.listQueue({ state, sort: sort as never, offset, limit: 7 }, t)).items.map((m) => m.id);
        const all = async (sort: string) => {
          const out: string[] = [];
          for (let offset = 0; offset < rows.length + 7; offset += 7) out.push(...(await list(sort, offset)));
          return out;
        };
        expect(await all(name), `${name} ${state}`).toEqual(asc);
        expect(await all(`-${name}`), `-${name} ${state}`).toEqual(desc);
        expect((await admin.listQueue({ state, offset: 0, limit: 1 }, t)).total).toBe(rows.length);
      }
    }
  });

  it('summarises and indexes messages queued before the migration step', () => {
    // Drop what the step made, queue rows behind its back, then apply it again (as the migration does).
    const triggers = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'queue_summary%'`).pluck().all() as string[];
    expect(triggers.length).toBe(9);
    for (const name of triggers) db.exec(`DROP TRIGGER ${name}`);
    db.exec('DROP TABLE queue_message_summary; DROP TABLE queue_state_counts;');
    db.prepare(`INSERT INTO queue_messages (id, sender, size, created_at, source, held) VALUES ('OLD1', 'o@old.test', 5, 1, 'smtp', 0), ('OLD2', 'p@old.test', 6, 2, 'smtp', 1)`).run();
    db.prepare(
      `INSERT INTO queue_recipients (message_id, address, destination, domain, state, attempts, next_attempt_at, last_error)
       VALUES ('OLD1', 'a@d.test', 'remote', 'd.test', 'deferred', 2, 500, 'x'), ('OLD1', 'b@d.test', 'remote', 'd.test', 'delivered', 3, 100, NULL), ('OLD2', 'c@e.test', 'remote', 'e.test', 'queued', 0, 2, NULL)`,
    ).run();
    db.exec(QUEUE_INDEX_MIGRATION); // as the migration step does on such a database
    expectConsistent('after re-applying the step');
    expect(db.prepare(SUMMARY).all()).toEqual([
      { id: 'OLD1', state: 'deferred', attempts: 3, next_attempt_at: 500, created_at: 1, size: 5 },
      { id: 'OLD2', state: 'held', attempts: 0, next_attempt_at: 2, created_at: 2, size: 6 },
    ]);
  });
});
