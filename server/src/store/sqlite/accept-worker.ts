// The accept worker: a thread with its own connection to the store's file that runs the group-commit
// transaction (accept-batch.ts), so the main thread keeps serving SMTP while a commit waits for its
// fsync. Whatever batches arrived during one commit go into the next one together: the busier the
// server, the more messages share an fsync, and a quiet server commits at once. WAL lets the two
// connections share the file; the write lock serialises their transactions (busy_timeout covers the
// short waits). A reply is posted only after the commit returned: a caller that hears "done" holds a
// durable message.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { acceptBatches } from './accept-batch.ts';
import { unpack, type Answer, type Batch, type WorkerReply, type WorkerRequest } from './accept-protocol.ts';
import type { NewMessage } from '../types.ts';
import { openConnection, type Db } from './open.ts';

/** Bounds one transaction (and the memory its batches hold) however far behind the worker is. */
const MAX_MESSAGES_PER_COMMIT = 256;

const port = parentPort!;
const db = openConnection((workerData as { file: string }).file);

port.on('message', (first: WorkerRequest) => {
  const batches: Batch<NewMessage>[] = [];
  const contents: ArrayBuffer[] = [];
  let closing = false;
  let messages = 0;
  for (let request: WorkerRequest | undefined = first; request; request = next(messages)) {
    if (request.type === 'close') {
      closing = true; // the writer sends it last: nothing follows
      break;
    }
    contents.push(request.content);
    for (const batch of unpack(request)) {
      batches.push(batch);
      messages += batch.messages.length;
    }
  }
  if (batches.length > 0) {
    // SQLite has copied the bytes by now, so the buffers go back for reuse (nothing here reads them again).
    const reply: WorkerReply = { ...commit(db, batches), spare: contents };
    port.postMessage(reply, contents); // one message: one wake-up of the main thread
  }
  if (closing) {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends, and the writer sees 'exit'
  }
});

/** The next request already waiting, without yielding to the event loop; none once the commit is full. */
function next(messagesSoFar: number): WorkerRequest | undefined {
  if (messagesSoFar >= MAX_MESSAGES_PER_COMMIT) return undefined;
  return receiveMessageOnPort(port)?.message as WorkerRequest | undefined;
}

function commit(db: Db, batches: Batch<NewMessage>[]): Omit<WorkerReply, 'spare'> {
  try {
    const results = acceptBatches(db, batches);
    return { answers: results.map((r, i) => ({ seq: batches[i]!.seq, results: r })), transactions: [batches.reduce((n, b) => n + b.messages.length, 0)] };
  } catch (err) {
    if (batches.length === 1) return { answers: [failure(batches[0]!, err)], transactions: [] };
  }
  // One caller's bad message must not fail the others that shared the transaction.
  const reply: Omit<WorkerReply, 'spare'> = { answers: [], transactions: [] };
  for (const batch of batches) {
    try {
      reply.answers.push({ seq: batch.seq, results: acceptBatches(db, [batch])[0]! });
      reply.transactions.push(batch.messages.length);
    } catch (err) {
      reply.answers.push(failure(batch, err));
    }
  }
  return reply;
}

function failure(batch: Batch<NewMessage>, err: unknown): Answer {
  return { seq: batch.seq, error: { message: (err as Error).message, code: (err as { code?: string }).code } };
}
