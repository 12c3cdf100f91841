// curl as an IMAP client: it reads a message by UID, lists mailboxes and searches, both in the clear on
// loopback and with STARTTLS (--ssl-reqd).
// IN-PROCESS until mail-server.ts starts the IMAP listener (see helpers/mail-stack.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
let stack: MailStack;
const curl = async (...args: string[]) => (await run('curl', ['-sS', '--max-time', '20', '-u', 'heidi@example.test:heidi-pw', ...args], { timeout: 30_000 })).stdout;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('heidi@example.test', 'heidi-pw');
  await stack.deliver('heidi@example.test', plain('for curl', 'Read me with curl.'));
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP with curl', () => {
  it('reads a message by UID', async () => {
    if (!requireCommand('curl', 'IMAP client')) return;
    const out = await curl(`imap://127.0.0.1:${stack.ports.imap}/INBOX;UID=1`);
    expect(out).toBe(plain('for curl', 'Read me with curl.'));
  });

  it('reads it over STARTTLS too, and lists and searches', async () => {
    if (!requireCommand('curl', 'IMAP client')) return;
    const base = `imap://127.0.0.1:${stack.ports.imap}`;
    expect(await curl('--ssl-reqd', '-k', `${base}/INBOX;UID=1`)).toContain('Subject: for curl');
    const list = await curl(`${base}/`);
    expect(list).toContain('* LIST (\\HasNoChildren \\Sent) "/" Sent');
    const search = await curl(`${base}/INBOX?SUBJECT%20curl`);
    expect(search.trim()).toBe('* SEARCH 1');
  });
});
