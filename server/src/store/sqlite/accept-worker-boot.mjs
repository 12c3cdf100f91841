// Entry point of the accept worker thread. Plain JavaScript because a worker does not inherit the
// main thread's TypeScript loader (tsx registers per thread): register it here, then load the module
// named in workerData.entry (accept-worker.ts, or a test double).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
