// The main thread's side of the accept worker (accept-worker.ts): sends each batch to the thread and
// resolves its promise with the thread's answer, which comes only after the commit. The worker starts
// with the first batch (the CLI never pays for it) and again after a crash; a crash rejects whatever it
// had not answered (SMTP answers 451, the sender retries: a duplicate at worst, never a loss).
import { Worker } from 'node:worker_threads';
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { pack, type WorkerReply, type WorkerRequest } from './accept-protocol.ts';

const BOOT = new URL('./accept-worker-boot.mjs', import.meta.url);
export const ACCEPT_WORKER_ENTRY = new URL('./accept-worker.ts', import.meta.url);

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

/** One worker thread and the requests it has not answered yet. */
interface Thread {
  worker: Worker;
  waiting: Map<number, Waiter>;
  exited: Promise<void>;
}

export class AcceptWriter {
  private thread: Thread | null = null;
  private seq = 0;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly options: AcceptWriterOptions = {},
  ) {}

  accept(messages: readonly NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const thread = this.thread ?? this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const { messages: packed, content } = pack(messages);
      const request: WorkerRequest = { type: 'accept', seq, messages: packed, content, now, fileLocal };
      // Keeps the process alive while a caller waits for a commit, and only then.
      if (thread.waiting.size === 0) thread.worker.ref();
      thread.waiting.set(seq, { resolve, reject });
      try {
        thread.worker.postMessage(request, [content]);
      } catch (err) {
        this.settle(thread, seq)?.reject(err as Error);
      }
    });
  }

  /**
   * Lets the worker answer everything already sent (the close request queues behind them), closes its
   * connection and waits for the thread to end. Later batches are refused.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      const thread = this.thread;
      if (!thread) return;
      thread.worker.ref();
      thread.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      await thread.exited;
    })();
    return this.closed;
  }

  private start(): Thread {
    const entry = this.options.entry ?? ACCEPT_WORKER_ENTRY;
    const worker = new Worker(BOOT, { workerData: { entry: entry.href, file: this.file } });
    const thread: Thread = { worker, waiting: new Map(), exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      reply.transactions.forEach((messages) => this.options.onCommit?.(messages));
      for (const answer of reply.answers) {
        const waiter = this.settle(thread, answer.seq);
        if (!waiter) continue;
        if ('error' in answer) waiter.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
        else waiter.resolve(answer.results);
      }
    });
    const fail = (err: Error) => {
      if (this.thread === thread) this.thread = null; // the next batch starts a fresh thread
      const waiters = [...thread.waiting.values()];
      thread.waiting.clear();
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
