// Fills a fresh SQLite file with a large delivery queue, fast: rows are written straight into the real
// schema (openSqlite applies the migrations) in big transactions with synchronous=OFF. The listing's
// triggers (migrations-queue-index.ts) are dropped for the fill and the step is then applied again, as
// it is to a database that already holds a queue: it recreates them and summarises every message in
// bulk, ending in exactly the state the triggers would have kept (bench/queue-api/summary.test.ts
// checks that). Only the fill takes these shortcuts; the server later opens the file
// with its usual settings.
//
// The queue looks like one after a remote outage: most messages deferred with errors and several
// attempts, 40% still queued, a few held, 1 to 3 remote recipients each, some recipients already
// delivered. Everything is derived from the message number, so every run builds the same queue and
// the benchmark's searches match a known number of messages.
import { QUEUE_INDEX_MIGRATION } from '../../server/src/store/sqlite/migrations-queue-index.ts';
import { openSqlite } from '../../server/src/store/sqlite/open.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Distinct sender addresses, recipient users and recipient domains in the synthetic queue. */
export const SENDERS = 5_000;
export const USERS = 20_000;
export const DOMAINS = 2_000;

/** A queue id like newQueueId's (9 time characters, 8 random), deterministic from its number. */
export function syntheticQueueId(createdAt: number, n: number): string {
  let time = '';
  let t = createdAt;
  for (let i = 0; i < 9; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  let x = (n * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < 8; i++) {
    rand += ALPHABET[x % 32];
    x = Math.floor(x / 32) + (i + 1) * 7919;
  }
  return time + rand;
}

export const senderOf = (n: number) => `sender${n % SENDERS}@src${n % 97}.example`;
export const recipientOf = (n: number, k: number) => `user${(n * 31 + k * 7) % USERS}@dest${(n * 7 + k) % DOMAINS}.example`;
export const recipientCountOf = (n: number) => 1 + (n % 3 === 0 ? 1 : 0) + (n % 10 === 0 ? 1 : 0);

export type SyntheticState = 'queued' | 'deferred' | 'held';
/**
 * 55% deferred, 40% queued, 5% held; hashed, so that the messages of one sender, recipient or domain
 * (which follow n modulo 2,000 or 20,000) are spread over the states like the rest.
 */
export const stateOf = (n: number): SyntheticState => {
  const h = Math.imul(n, 2654435761) >>> 0;
  const r = h % 20;
  return r === 7 ? 'held' : r < 12 ? 'deferred' : 'queued';
};

const ERRORS = ['451 4.7.1 Greylisted, please try again later', '421 4.4.2 Connection timed out', '452 4.2.2 Mailbox full'];

export interface FillResult {
  messages: number;
  recipients: number;
  /** Writing the rows. */
  seconds: number;
  /** Applying the listing's migration step to them (summary rows and per-state counts). */
  indexSeconds: number;
  fileBytes: number;
}

/** Writes `messages` queued messages into the database file (created and migrated if new). */
export function fillQueue(file: string, messages: number, now = Date.now(), progress: (done: number) => void = () => undefined): FillResult {
  const started = performance.now();
  const db = openSqlite(file);
  const triggers = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'queue_summary%'`).pluck().all() as string[];
  for (const name of triggers) db.exec(`DROP TRIGGER ${name}`);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MiB for the fill only
  const insertMessage = db.prepare('INSERT INTO queue_messages (id, sender, size, created_at, source, client_address, auth_user, held) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)');
  const insertContent = db.prepare('INSERT INTO queue_content (message_id, content) VALUES (?, ?)');
  const insertRecipient = db.prepare(
    `INSERT INTO queue_recipients (message_id, address, destination, domain, account_id, state, attempts, next_attempt_at, last_attempt_at, last_error)
     VALUES (?, ?, 'remote', ?, NULL, ?, ?, ?, ?, ?)`,
  );
  const content = Buffer.alloc(256, 'x');
  // Messages arrived over the last `messages` x 50 ms; deferred ones retry within the next 4 hours.
  const first = now - messages * 50;
  let recipients = 0;
  const CHUNK = 20_000;
  for (let start = 0; start < messages; start += CHUNK) {
    db.transaction(() => {
      for (let n = start; n < Math.min(messages, start + CHUNK); n++) {
        const createdAt = first + n * 50;
        const id = syntheticQueueId(createdAt, n);
        const state = stateOf(n);
        insertMessage.run(id, senderOf(n), 1024 + ((n * 7919) % 102_400), createdAt, 'smtp', `192.0.2.${n % 250}`, state === 'held' ? 1 : 0);
        insertContent.run(id, content);
        const count = recipientCountOf(n);
        for (let k = 0; k < count; k++) {
          const address = recipientOf(n, k);
          const domain = address.slice(address.indexOf('@') + 1);
          if (state === 'deferred') {
            // The first recipient of every 10th deferred message was delivered already.
            const delivered = k === 0 && count > 1 && n % 10 === 0;
            const attempts = 1 + (n % 6);
            const last = createdAt + attempts * 60_000;
            insertRecipient.run(id, address, domain, delivered ? 'delivered' : 'deferred', attempts, now + ((n * 13) % 14_400) * 1000, last, delivered ? null : ERRORS[n % ERRORS.length]!);
          } else {
            insertRecipient.run(id, address, domain, 'queued', 0, createdAt, null, null);
          }
          recipients++;
        }
      }
    })();
    progress(Math.min(messages, start + CHUNK));
  }
  const filled = performance.now();
  db.transaction(() => db.exec(QUEUE_INDEX_MIGRATION)).immediate();
  const indexed = performance.now();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  return { messages, recipients, seconds: (filled - started) / 1000, indexSeconds: (indexed - filled) / 1000, fileBytes: pageCount * pageSize };
}
