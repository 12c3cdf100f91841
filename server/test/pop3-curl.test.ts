// curl as a POP3 client: it lists the maildrop and retrieves a message, in the clear on loopback and
// with STLS (--ssl-reqd).
// IN-PROCESS until mail-server.ts starts the POP3 listener (see helpers/mail-stack.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
let stack: MailStack;
const curl = async (...args: string[]) => (await run('curl', ['-sS', '--max-time', '20', '-u', 'ivan@example.test:ivan-pw', ...args], { timeout: 30_000 })).stdout;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('ivan@example.test', 'ivan-pw');
  await stack.deliver('ivan@example.test', plain('for curl over pop3', '.leading dot\r\nsecond line'));
});

afterAll(async () => {
  await stack?.stop();
});

describe('POP3 with curl', () => {
  it('lists and retrieves a message', async () => {
    if (!requireCommand('curl', 'POP3 client')) return;
    const base = `pop3://127.0.0.1:${stack.ports.pop3}`;
    const size = Buffer.byteLength(plain('for curl over pop3', '.leading dot\r\nsecond line'));
    expect(await curl(`${base}/`)).toBe(`1 ${size}\r\n`);
    expect(await curl(`${base}/1`)).toBe(plain('for curl over pop3', '.leading dot\r\nsecond line'));
  });

  it('retrieves it over STLS', async () => {
    if (!requireCommand('curl', 'POP3 client')) return;
    expect(await curl('--ssl-reqd', '-k', `pop3://127.0.0.1:${stack.ports.pop3}/1`)).toContain('Subject: for curl over pop3');
  });
});
