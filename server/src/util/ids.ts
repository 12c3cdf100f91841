// Queue ids: sortable by creation time and unguessable, safe in headers, file names and URLs.
import { randomBytesPooled } from './random-pool.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

export function newQueueId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 9; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytesPooled(8);
  let rand = '';
  for (let i = 0; i < random.length; i++) rand += ALPHABET[random[i]! % 32];
  return time + rand;
}
