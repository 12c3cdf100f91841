// ESEARCH (RFC 4731) with Python's imaplib: SEARCH and UID SEARCH with RETURN (MIN MAX ALL COUNT), RETURN ()
// meaning ALL, no match, and CAPABILITY advertising it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('gina@example.test', 'gina-pw');
  for (let i = 1; i <= 6; i++) await stack.deliver('gina@example.test', plain(i % 2 === 0 ? `even ${i}` : `odd ${i}`, `Body ${i}.`));
});

afterAll(async () => {
  await stack?.stop();
});

describe('ESEARCH', () => {
  it('answers SEARCH RETURN with one ESEARCH line carrying the tag', async () => {
    const out = await python(
      `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('gina@example.test', 'gina-pw')
print('caps', ' '.join(m.capabilities))
m.select('INBOX')
m.store('1', '+FLAGS', '\\\\Deleted')
def raw(line):
    tag = line.split(' ')[0]
    m.send((line + '\\r\\n').encode())
    out = []
    while True:
        l = m.readline().decode().rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
for line in ['e1 SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT even', 'e2 UID SEARCH RETURN () UNDELETED', 'e3 SEARCH RETURN (COUNT MIN) SUBJECT nothing', 'e4 SEARCH RETURN (PARTIAL 1:5) ALL', 'e5 SEARCH SUBJECT odd']:
    for l in raw(line): print(l)
`,
      { PORT: String(stack.ports.imap) },
    );
    expect(out).toMatch(/^caps .*\bESEARCH\b/m);
    expect(out).toContain('* ESEARCH (TAG "e1") MIN 2 MAX 6 ALL 2,4,6 COUNT 3\ne1 OK SEARCH completed');
    expect(out).toMatch(/^\* ESEARCH \(TAG "e2"\) UID ALL \d+:\d+$/m);
    expect(out).toContain('* ESEARCH (TAG "e3") COUNT 0\ne3 OK');
    expect(out).toContain('e4 BAD Unknown SEARCH RETURN option PARTIAL');
    expect(out).toContain('* SEARCH 1 3 5\ne5 OK');
  });
});
