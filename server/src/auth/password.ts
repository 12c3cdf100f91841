// Account passwords as scrypt hashes in a self-describing string, so the cost can be raised later
// without breaking stored hashes: $scrypt$N=16384,r=8,p=1$<salt b64>$<hash b64>.
// At most one core fewer than the machine has computes hashes at a time: scrypt runs on libuv's four
// threads, and on a machine with two cores a burst of logins (40 IMAP clients at once, or a guessing
// flood) otherwise took both from the event loop, and /healthz waited 100 to 160 ms behind it.
import crypto from 'node:crypto';
import os from 'node:os';
import { promisify } from 'node:util';

const scryptNow = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const MAX_CONCURRENT = Math.max(1, os.availableParallelism() - 1);
let running = 0;
const waiting: Array<() => void> = [];

async function scrypt(pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await scryptNow(pw, salt, len, opts);
  } finally {
    // The slot passes straight to the next waiter, so `running` counts it without a gap.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
const KEY_LENGTH = 32;
const COST = { N: 16384, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('password must not be empty');
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `$scrypt$N=${COST.N},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
    maxmem: 256 * 1024 * 1024,
  });
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
