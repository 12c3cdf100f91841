// What the listing's triggers (migrations-queue-index.ts, and the search index's: migrations-queue-search.ts) cost the delivery path: every queued
// message pays for its summary row and the per-state count when it is queued, claimed, and finished. Measured through the store as the scheduler drives it (enqueue, claim,
// record the outcome: three IMMEDIATE transactions, synchronous=FULL as the server runs), on two copies
// of the same database, one with the triggers and one without, in alternating blocks so background
// load hits both alike.
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite, type Db } from '../../server/src/store/sqlite/open.ts';
import { SqliteQueue } from '../../server/src/store/sqlite/queue.ts';
import type { NewMessage } from '../../server/src/store/types.ts';
import { fillQueue } from './fill.ts';
import { latency, type Latency } from './markdown.ts';

export interface WriteCost {
  background: number;
  messages: number;
  /** Per operation, milliseconds per message: with the listing's triggers and without. */
  ops: { op: string; with: Latency; without: Latency }[];
  /** Pages written to the WAL per message (all three transactions): with and without. */
  walPages: { with: number; without: number };
}

const OPS = ['enqueue', 'claim', 'outcome'] as const;

function prepare(file: string, background: number, withTriggers: boolean): Db {
  fillQueue(file, background);
  const db = openSqlite(file);
  // Background messages wait: their next attempts move a day ahead (the triggers keep the summary),
  // so every claim below finds the message just queued, as on a server whose queue waits for retries.
  db.prepare(`UPDATE queue_recipients SET next_attempt_at = ? WHERE state IN ('queued', 'deferred')`).run(Date.now() + 86_400_000);
  if (!withTriggers) {
    const names = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'queue_summary%' OR name LIKE 'queue_search%')`).pluck().all() as string[];
    for (const name of names) db.exec(`DROP TRIGGER ${name}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  // Checkpoints only between blocks (untimed), so the WAL's growth is exactly what the block wrote.
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

export async function measureWriteCost(dir: string, background: number, messages: number, block = 100): Promise<WriteCost> {
  const variants = [true, false].map((withTriggers) => {
    const file = path.join(dir, withTriggers ? 'with.db' : 'without.db');
    const db = prepare(file, background, withTriggers);
    return { withTriggers, file, db, walBytes: 0, queue: new SqliteQueue(db), samples: Object.fromEntries(OPS.map((op) => [op, [] as number[]])) as Record<(typeof OPS)[number], number[]> };
  });
  const content = Buffer.alloc(2048, 'x');
  let seq = 0;
  try {
    for (let done = 0; done < messages; done += block) {
      for (const v of variants) {
        for (let i = 0; i < Math.min(block, messages - done); i++) {
          const id = `WRITECOST${String(seq++).padStart(8, '0')}`;
          const message: NewMessage = {
            id,
            sender: `sender${seq % 50}@src.example`,
            recipients: [{ address: `user${seq % 700}@dest${seq % 90}.example`, destination: 'remote' }],
            content,
            source: 'smtp',
          };
          let t = performance.now();
          await v.queue.enqueue(message);
          v.samples.enqueue.push(performance.now() - t);
          const now = Date.now();
          t = performance.now();
          const job = await v.queue.claimNextJob(now + 1000, () => now + 60_000, new Set());
          v.samples.claim.push(performance.now() - t);
          if (!job || job.messageId !== id) throw new Error(`write cost: claimed ${job?.messageId ?? 'nothing'} instead of ${id}`);
          t = performance.now();
          await v.queue.recordOutcomes(
            id,
            job.recipients.map((r) => ({ recipientId: r.id, result: 'delivered' as const })),
            now,
          );
          v.samples.outcome.push(performance.now() - t);
        }
        v.walBytes += fs.statSync(`${v.file}-wal`).size;
        v.db.pragma('wal_checkpoint(TRUNCATE)');
      }
    }
  } finally {
    for (const v of variants) v.db.close();
  }
  for (const f of fs.readdirSync(dir)) if (/^with(out)?\.db/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  const [withT, withoutT] = variants as [(typeof variants)[0], (typeof variants)[0]];
  const pages = (v: typeof withT) => v.walBytes / messages / (4096 + 24); // a WAL frame: 24-byte header and a page
  return {
    background,
    messages,
    ops: OPS.map((op) => ({ op, with: latency(withT.samples[op]), without: latency(withoutT.samples[op]) })),
    walPages: { with: pages(withT), without: pages(withoutT) },
  };
}
