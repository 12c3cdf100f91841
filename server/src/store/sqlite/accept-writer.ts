// The main thread's side of the accept worker (accept-worker.ts): sends batches to the thread and
// resolves each one's promise with the thread's answer, which comes only after the commit. One request
// is in flight at a time: the batches that arrive meanwhile wait here and go together, in one message,
// when the answer comes (they would have shared the worker's next transaction anyway; one message
// instead of one per batch spares the main thread a structured clone and a wake-up of the worker each).
// The worker starts with the first batch (the CLI never pays for it) and again after a crash; a crash
// rejects whatever was sent or waiting (SMTP answers 451, the sender retries: a duplicate at worst,
// never a loss).
import { Worker } from 'node:worker_threads';
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { pack, type Batch, type WorkerReply, type WorkerRequest } from './accept-protocol.ts';
import { PackBuffers } from './pack-buffers.ts';

const BOOT = new URL('./accept-worker-boot.mjs', import.meta.url);
// Compiled (dist/), this file is accept-writer.js and the worker is plain JavaScript too.
const COMPILED = import.meta.url.endsWith('.js');
export const ACCEPT_WORKER_ENTRY = new URL(COMPILED ? './accept-worker.js' : './accept-worker.ts', import.meta.url);

export interface AcceptWriterOptions {
  /** The worker's module; tests substitute one that misbehaves on purpose. */
  entry?: URL;
  /** Called with the number of messages in each transaction the worker committed (batch sizes). */
  onCommit?: (messages: number) => void;
}

interface Waiter {
  resolve: (results: AcceptedMessage[]) => void;
  reject: (err: Error) => void;
}

/** One worker thread, the batches it has not answered yet, and those waiting for the next request. */
interface Thread {
  worker: Worker;
  waiting: Map<number, Waiter>;
  queued: { batch: Batch<NewMessage>; waiter: Waiter }[];
  exited: Promise<void>;
}

/** Bounds the messages one request carries; the worker bounds its transactions the same way. */
const MAX_MESSAGES_PER_REQUEST = 256;

export class AcceptWriter {
  private thread: Thread | null = null;
  private seq = 0;
  /** Where requests are packed; the worker hands each buffer back with its answer. */
  readonly buffers = new PackBuffers();
  private closed: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly options: AcceptWriterOptions = {},
  ) {}

  accept(messages: readonly NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const thread = this.thread ?? this.start();
    return new Promise((resolve, reject) => {
      thread.queued.push({ batch: { seq: ++this.seq, messages: [...messages], now, fileLocal }, waiter: { resolve, reject } });
      if (thread.waiting.size === 0) this.send(thread);
    });
  }

  /** Sends what is queued as one request (up to its bound). */
  private send(thread: Thread): void {
    let count = 0;
    let messages = 0;
    while (count < thread.queued.length && (count === 0 || messages + thread.queued[count]!.batch.messages.length <= MAX_MESSAGES_PER_REQUEST)) {
      messages += thread.queued[count]!.batch.messages.length;
      count++;
    }
    const entries = thread.queued.splice(0, count);
    if (entries.length === 0) return;
    // Keeps the process alive while a caller waits for a commit, and only then.
    if (thread.waiting.size === 0) thread.worker.ref();
    for (const { batch, waiter } of entries) thread.waiting.set(batch.seq, waiter);
    try {
      const request = pack(
        entries.map((e) => e.batch),
        this.buffers,
      );
      thread.worker.postMessage(request, [request.content]);
    } catch (err) {
      for (const { batch } of entries) this.settle(thread, batch.seq)?.reject(err as Error);
    }
  }

  /**
   * Lets the worker answer everything already sent or queued (the close request queues behind them), closes its
   * connection and waits for the thread to end. Later batches are refused.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      const thread = this.thread;
      if (!thread) return;
      thread.worker.ref();
      // Batches waiting for the next request go now: the close request must come after all of them.
      while (thread.queued.length > 0) this.send(thread);
      thread.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      await thread.exited;
    })();
    return this.closed;
  }

  private start(): Thread {
    const entry = this.options.entry ?? ACCEPT_WORKER_ENTRY;
    // A TypeScript entry needs the boot file, which registers tsx in the new thread first.
    const worker = new Worker(entry.pathname.endsWith('.ts') ? BOOT : entry, { workerData: { entry: entry.href, file: this.file } });
    const thread: Thread = { worker, waiting: new Map(), queued: [], exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      reply.spare.forEach((buffer) => this.buffers.give(buffer));
      reply.transactions.forEach((messages) => this.options.onCommit?.(messages));
      for (const answer of reply.answers) {
        const waiter = this.settle(thread, answer.seq);
        if (!waiter) continue;
        if ('error' in answer) waiter.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
        else waiter.resolve(answer.results);
      }
      if (thread.waiting.size === 0) this.send(thread);
    });
    const fail = (err: Error) => {
      if (this.thread === thread) this.thread = null; // the next batch starts a fresh thread
      const waiters = [...thread.waiting.values(), ...thread.queued.map((q) => q.waiter)];
      thread.waiting.clear();
      thread.queued = [];
      for (const waiter of waiters) waiter.reject(err);
    };
    worker.on('error', (err) => fail(new Error(`the accept worker failed: ${err.message}`)));
    worker.on('messageerror', (err) => {
      fail(new Error(`the accept worker sent an unreadable reply: ${err.message}`));
      void worker.terminate();
    });
    worker.on('exit', (code) => fail(new Error(`the accept worker stopped (exit code ${code}) before answering`)));
    this.thread = thread;
    return thread;
  }

  private settle(thread: Thread, seq: number): Waiter | undefined {
    const waiter = thread.waiting.get(seq);
    thread.waiting.delete(seq);
    if (thread.waiting.size === 0 && !this.closed) thread.worker.unref();
    return waiter;
  }
}
