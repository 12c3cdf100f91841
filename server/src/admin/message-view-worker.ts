// The worker thread of message-view-thread.ts: parses one message and posts the view, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { ViewTooComplexError, parsedView } from './message-view.ts';

export type ViewReply = { view: Awaited<ReturnType<typeof parsedView>> } | { error: string; tooComplex: boolean };

const raw = Buffer.from(workerData.raw as Uint8Array);
parsedView(raw).then(
  (view) => parentPort!.postMessage({ view } satisfies ViewReply),
  (err: Error) => parentPort!.postMessage({ error: err.message, tooComplex: err instanceof ViewTooComplexError } satisfies ViewReply),
);
