// The parsed view of a message (message-view.ts), made in a worker thread: parsing and sanitising what a
// sender wrote is CPU work the admin port's main thread must never do, since SMTP, POP3, IMAP and
// /healthz share it. One short-lived worker per view, ended at the deadline; a few at a time at most.
import { Worker } from 'node:worker_threads';
import { ApiError } from './errors.ts';
import type { ParsedView } from './message-view.ts';
import type { ViewReply } from './message-view-worker.ts';

/** A view not made by then is refused (422 too_complex); the worker is ended. */
export const VIEW_DEADLINE_MS = 10_000;
/** Views being made at once; more get 503 busy. */
export const MAX_CONCURRENT_VIEWS = 2;

const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './message-view-worker.js' : './message-view-worker.ts', import.meta.url);
const BOOT = new URL('./message-view-boot.mjs', import.meta.url);

let running = 0;
const tooComplex = (why: string) => new ApiError(422, 'too_complex', `${why}; fetch it with format=raw instead`);

export async function parsedViewInWorker(raw: Buffer, deadlineMs = VIEW_DEADLINE_MS): Promise<ParsedView> {
  if (running >= MAX_CONCURRENT_VIEWS) throw new ApiError(503, 'busy', 'other parsed views are being made; try again shortly');
  running++;
  // A TypeScript entry needs the boot file, which registers tsx in the new thread first.
  const worker = new Worker(COMPILED ? ENTRY : BOOT, { workerData: { entry: ENTRY.href, raw } });
  try {
    const reply = await new Promise<ViewReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(tooComplex(`the message could not be parsed within ${deadlineMs / 1000} s`)), deadlineMs);
      worker.once('message', (m: ViewReply) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the message view worker stopped (exit code ${code}) before answering`));
      });
    });
    if ('view' in reply) return reply.view;
    if (reply.tooComplex) throw tooComplex(reply.error);
    throw new Error(reply.error);
  } finally {
    running--;
    void worker.terminate();
  }
}
