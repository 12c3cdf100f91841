// The messages between the accept writer (main thread) and the accept worker. Message contents travel
// packed into one ArrayBuffer per batch that is transferred, not cloned: one copy on the main thread
// instead of a structured clone of every Buffer (a small Buffer is a view into Node's shared 8 KiB pool,
// which cloning would copy whole and transferring would take away from everyone else).
import type { AcceptedMessage, NewMessage } from '../types.ts';

export type PackedMessage = Omit<NewMessage, 'content'> & { offset: number; length: number };

export interface AcceptRequest {
  type: 'accept';
  seq: number;
  messages: PackedMessage[];
  content: ArrayBuffer;
  now: number;
  fileLocal: boolean;
}

/** Close the connection and let the thread end; sent only once every request has been answered. */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = AcceptRequest | CloseRequest;

export type Answer = { seq: number; results: AcceptedMessage[] } | { seq: number; error: { message: string; code?: string | undefined } };

/** The answers to every request taken together, and how many messages each committed transaction held. */
export interface WorkerReply {
  answers: Answer[];
  transactions: number[];
}

export function pack(messages: readonly NewMessage[]): { messages: PackedMessage[]; content: ArrayBuffer } {
  const content = new ArrayBuffer(messages.reduce((sum, m) => sum + m.content.length, 0));
  const bytes = new Uint8Array(content);
  let offset = 0;
  const packed = messages.map(({ content: body, ...rest }) => {
    bytes.set(body, offset);
    const entry = { ...rest, offset, length: body.length };
    offset += body.length;
    return entry;
  });
  return { messages: packed, content };
}

export function unpack(request: AcceptRequest): NewMessage[] {
  return request.messages.map(({ offset, length, ...rest }) => ({ ...rest, content: Buffer.from(request.content, offset, length) }));
}
