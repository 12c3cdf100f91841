import { describe, expect, it } from 'vitest';
import { MAX_KEPT_BUFFERS, MAX_KEPT_BYTES, MIN_PACK_BYTES, PackBuffers } from './pack-buffers.ts';

describe('PackBuffers', () => {
  it('allocates at least the minimum, and powers of two above it up to the largest it keeps', () => {
    const buffers = new PackBuffers();
    expect(buffers.take(10).byteLength).toBe(MIN_PACK_BYTES);
    expect(buffers.take(MIN_PACK_BYTES + 1).byteLength).toBe(MIN_PACK_BYTES * 2);
    expect(buffers.take(3 * 1024 * 1024).byteLength).toBe(4 * 1024 * 1024);
    expect(buffers.take(MAX_KEPT_BYTES + 1).byteLength).toBe(MAX_KEPT_BYTES + 1); // never kept, so never rounded
    expect(buffers.reused).toBe(0);
  });

  it('reuses a buffer given back when it is big enough, and only once', () => {
    const buffers = new PackBuffers();
    const first = buffers.take(1000);
    buffers.give(first);
    expect(buffers.take(MIN_PACK_BYTES * 2)).not.toBe(first); // too small for this one
    expect(buffers.take(500)).toBe(first);
    expect(buffers.take(500)).not.toBe(first);
    expect(buffers.reused).toBe(1);
  });

  it('keeps a bounded number of buffers of a bounded size', () => {
    const buffers = new PackBuffers();
    buffers.give(new ArrayBuffer(MAX_KEPT_BYTES + 1));
    buffers.give(new ArrayBuffer(0));
    const kept = Array.from({ length: MAX_KEPT_BUFFERS + 2 }, () => new ArrayBuffer(1024));
    kept.forEach((b) => buffers.give(b));
    const taken = Array.from({ length: MAX_KEPT_BUFFERS + 2 }, () => buffers.take(1));
    expect(taken.filter((b) => kept.includes(b))).toHaveLength(MAX_KEPT_BUFFERS);
    expect(buffers.reused).toBe(MAX_KEPT_BUFFERS);
  });
});
