// Entry point of the message view worker under the TypeScript sources. Plain JavaScript because a
// worker does not inherit the main thread's TypeScript loader (tsx registers per thread): register it
// here, then load the module named in workerData.entry (message-view-worker.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
