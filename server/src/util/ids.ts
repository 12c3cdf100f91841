// Queue ids: sortable by creation time and unguessable, safe in headers, file names and URLs.
import crypto from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

export function newQueueId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 9; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = crypto.randomBytes(8);
  let rand = '';
  for (const byte of random) rand += ALPHABET[byte % 32];
  return time + rand;
}
