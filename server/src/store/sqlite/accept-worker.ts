// The accept worker: a thread with its own connection to the store's file that runs the group-commit
// transaction (accept-batch.ts), so the main thread keeps serving SMTP while a commit waits for its
// fsync, and the messages that arrive meanwhile make the next batch. WAL lets the two connections share
// the file; the write lock serialises their transactions (busy_timeout covers the short waits). A reply
// is posted only after the commit returned: a caller that hears "done" holds a durable message.
import { parentPort, workerData } from 'node:worker_threads';
import { acceptBatch } from './accept-batch.ts';
import { unpack, type WorkerReply, type WorkerRequest } from './accept-protocol.ts';
import { openConnection } from './open.ts';

/**
 * Checkpoint the WAL once no batch came for this long, so that a burst starts with a short log and its
 * commits rarely pay for an automatic checkpoint (which runs inside the commit that crosses 1000 pages).
 * Either way checkpoints run here, off the main thread, whenever accepted mail is what grows the log.
 */
const QUIET_CHECKPOINT_MS = 1000;

const port = parentPort!;
const db = openConnection((workerData as { file: string }).file);
let quiet: NodeJS.Timeout | undefined;

port.on('message', (request: WorkerRequest) => {
  clearTimeout(quiet);
  if (request.type === 'close') {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends, and the writer sees 'exit'
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { seq: request.seq, results: acceptBatch(db, unpack(request), request.now, request.fileLocal) };
  } catch (err) {
    reply = { seq: request.seq, error: { message: (err as Error).message, code: (err as { code?: string }).code } };
  }
  port.postMessage(reply);
  quiet = setTimeout(checkpoint, QUIET_CHECKPOINT_MS);
});

function checkpoint(): void {
  try {
    // PASSIVE: copies what it can without waiting for readers or blocking writers.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A failed checkpoint loses nothing (the log keeps every commit); the next one catches up.
  }
}
