// The messages between the accept writer (main thread) and the accept worker. A request carries one or
// more batches (one per acceptMessages call, each answered on its own); the contents of all of them
// travel packed into one ArrayBuffer that is transferred, not cloned: one copy on the main thread
// instead of a structured clone of every Buffer (a small Buffer is a view into Node's shared 8 KiB pool,
// which cloning would copy whole and transferring would take away from everyone else).
import type { AcceptedMessage, NewMessage } from '../types.ts';
import type { PackBuffers } from './pack-buffers.ts';

export type PackedMessage = Omit<NewMessage, 'content'> & { offset: number; length: number };

/** One acceptMessages call. */
export interface Batch<M> {
  seq: number;
  messages: M[];
  now: number;
  fileLocal: boolean;
}

export interface AcceptRequest {
  type: 'accept';
  batches: Batch<PackedMessage>[];
  /** The packed contents; may be longer than they are (a reused buffer, pack-buffers.ts). */
  content: ArrayBuffer;
}

/** Close the connection and let the thread end; sent only once every request has been answered. */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = AcceptRequest | CloseRequest;

export type Answer = { seq: number; results: AcceptedMessage[] } | { seq: number; error: { message: string; code?: string | undefined } };

/**
 * The answers to every batch taken together, how many messages each committed transaction held, and
 * the requests' content buffers, transferred back for the next pack once SQLite has copied the bytes.
 */
export interface WorkerReply {
  answers: Answer[];
  transactions: number[];
  spare: ArrayBuffer[];
}

export function pack(batches: readonly Batch<NewMessage>[], buffers: PackBuffers): AcceptRequest {
  let total = 0;
  for (const batch of batches) for (const m of batch.messages) total += m.content.length;
  // Not zero-filled: every byte used is written below, and zeroing 100 KiB per message showed in profiles.
  const content = buffers.take(total);
  const bytes = Buffer.from(content, 0, total);
  let offset = 0;
  const packed = batches.map((batch) => ({
    ...batch,
    messages: batch.messages.map(({ content: body, ...rest }) => {
      bytes.set(body, offset);
      const entry = { ...rest, offset, length: body.length };
      offset += body.length;
      return entry;
    }),
  }));
  return { type: 'accept', batches: packed, content };
}

export function unpack(request: AcceptRequest): Batch<NewMessage>[] {
  return request.batches.map((batch) => ({
    ...batch,
    messages: batch.messages.map(({ offset, length, ...rest }) => ({ ...rest, content: Buffer.from(request.content, offset, length) })),
  }));
}
