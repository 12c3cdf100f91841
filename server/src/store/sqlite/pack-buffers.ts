// The memory the accept writer packs message contents into before transferring it to the accept worker.
// The worker hands each buffer back with its answer, once the commit has copied the bytes into SQLite,
// and the next request reuses it: a fresh allocation of a few hundred KiB for every request meant fresh
// pages to fault in, which cost 11 us per 100 KiB message against 2.6 us for a reused buffer
// (measured with a worker_threads round trip on this project's CI machine). Transferring moves
// ownership, so a buffer is never in two hands: the writer holds it only between an answer and the next
// pack, the worker only between a request and its answer.

/** New buffers are at least this big and a power of two, so that one buffer serves many requests. */
export const MIN_PACK_BYTES = 256 * 1024;
/** Larger buffers (one request of very large messages) are let go instead of kept. */
export const MAX_KEPT_BYTES = 8 * 1024 * 1024;
/** How many spare buffers are kept: more than one request is rarely in flight. */
export const MAX_KEPT_BUFFERS = 4;

export class PackBuffers {
  private readonly spare: ArrayBuffer[] = [];
  /** Requests packed into a buffer that was handed back, for tests and diagnostics. */
  reused = 0;

  /** A buffer of at least `bytes` bytes (its contents are stale: the caller overwrites what it uses). */
  take(bytes: number): ArrayBuffer {
    const i = this.spare.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) {
      this.reused++;
      return this.spare.splice(i, 1)[0]!;
    }
    // Rounded up so that it fits later requests too; one too big to be kept is allocated to measure.
    const size = bytes <= MIN_PACK_BYTES ? MIN_PACK_BYTES : bytes > MAX_KEPT_BYTES ? bytes : 2 ** Math.ceil(Math.log2(bytes));
    // Not zero-filled: the packed bytes are written before use and nobody reads past them.
    return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
  }

  /** A buffer the worker handed back; kept if it is a useful size and there is room. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || buffer.byteLength > MAX_KEPT_BYTES || this.spare.length >= MAX_KEPT_BUFFERS) return;
    this.spare.push(buffer);
  }
}
