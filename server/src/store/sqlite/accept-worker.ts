// The accept worker: a thread with its own connection to the store's file that runs the group-commit
// transaction (accept-batch.ts), so the main thread keeps serving SMTP while a commit waits for its
// fsync. Whatever batches arrived during one commit go into the next one together: the busier the
// server, the more messages share an fsync, and a quiet server commits at once. WAL lets the two
// connections share the file; the write lock serialises their transactions (busy_timeout covers the
// short waits). A reply is posted only after the commit returned: a caller that hears "done" holds a
// durable message.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { acceptBatches } from './accept-batch.ts';
import { unpack, type AcceptRequest, type Answer, type WorkerReply, type WorkerRequest } from './accept-protocol.ts';
import { openConnection, type Db } from './open.ts';

/** Bounds one transaction (and the memory its batches hold) however far behind the worker is. */
const MAX_MESSAGES_PER_COMMIT = 256;

const port = parentPort!;
const db = openConnection((workerData as { file: string }).file);

port.on('message', (first: WorkerRequest) => {
  const requests: AcceptRequest[] = [];
  let closing = false;
  let messages = 0;
  for (let request: WorkerRequest | undefined = first; request; request = next(messages)) {
    if (request.type === 'close') {
      closing = true; // the writer sends it last: nothing follows
      break;
    }
    requests.push(request);
    messages += request.messages.length;
  }
  if (requests.length > 0) port.postMessage(commit(db, requests)); // one message: one wake-up of the main thread
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

function commit(db: Db, requests: AcceptRequest[]): WorkerReply {
  const batches = requests.map((r) => ({ messages: unpack(r), now: r.now, fileLocal: r.fileLocal }));
  try {
    const results = acceptBatches(db, batches);
    return { answers: results.map((r, i) => ({ seq: requests[i]!.seq, results: r })), transactions: [batches.reduce((n, b) => n + b.messages.length, 0)] };
  } catch (err) {
    if (requests.length === 1) return { answers: [failure(requests[0]!, err)], transactions: [] };
  }
  // One caller's bad message must not fail the others that shared the transaction.
  const reply: WorkerReply = { answers: [], transactions: [] };
  requests.forEach((request, i) => {
    try {
      reply.answers.push({ seq: request.seq, results: acceptBatches(db, [batches[i]!])[0]! });
      reply.transactions.push(batches[i]!.messages.length);
    } catch (err) {
      reply.answers.push(failure(request, err));
    }
  });
  return reply;
}

function failure(request: AcceptRequest, err: unknown): Answer {
  return { seq: request.seq, error: { message: (err as Error).message, code: (err as { code?: string }).code } };
}
