// Cryptographically random bytes for ids, drawn from a pool refilled 4 KiB at a time: one call into
// OpenSSL per 512 queue ids instead of one per id, which showed up in the SMTP profile (BENCHMARKS.md).
// The bytes are as unpredictable as crypto.randomBytes'; only the system call is shared.
import crypto from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** A fresh copy of `size` random bytes (size at most 4096); never handed out twice. */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_BYTES) return crypto.randomBytes(size);
  if (offset + size > POOL_BYTES) {
    crypto.randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return out;
}
