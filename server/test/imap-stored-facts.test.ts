// ENVELOPE, BODYSTRUCTURE and BODY kept in the store (src/imap/stored-facts.ts): a FETCH whose only content
// items are these sends, byte for byte, what parsing the message sends, whether the facts were just
// computed or read back from the store; and the second FETCH takes them from the store, not the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_VERSION } from '../src/imap/stored-facts.ts';
import { crlf, nested } from '../src/imap/mime/fixtures.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { RawClient } from './helpers/raw-client.ts';

const MESSAGES: Buffer[] = [
  nested,
  crlf(
    'From: "Lena K." <lena@example.test>',
    'Sender: list@example.test',
    'Reply-To:',
    'To: a@example.test, Group: b@example.test, c@example.test;',
    'Cc: d@example.test',
    'Bcc: e@example.test',
    'Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=',
    'Date: Tue, 1 Dec 2026 10:00:00 +0100',
    'Message-ID: <m1@example.test>',
    'In-Reply-To: <m0@example.test>',
    '',
    'body',
  ),
  crlf('Subject: only a subject "with quotes" and \\ backslash', '', 'x'),
  Buffer.from('Subject: 8-bit \xe9t\xe9\r\nFrom: Z\xfcrich <z@example.test>\r\n\r\nbody\r\n', 'latin1'),
  crlf('no header at all, no blank line'),
  crlf('From: undisclosed-recipients:;', 'To: <@route,@other:x@example.test>', 'Subject:', '', ''),
];

/** An item that makes a FETCH read the message itself, and what it adds to each response. */
const FROM_MESSAGE = 'BODY.PEEK[TEXT]<1000000.1>';
const FROM_MESSAGE_OUT = ' BODY[TEXT]<1000000> {0}\r\n';

let stack: MailStack;
let client: RawClient;
let tag = 0;

async function command(line: string): Promise<string> {
  const t = `t${++tag}`;
  const from = client.output.length;
  client.send(`${t} ${line}\r\n`);
  const out = await client.waitFor(new RegExp(`^${t} (OK|NO|BAD)[^\\r]*\\r\\n`, 'm'), 10_000, from);
  expect(out).toMatch(new RegExp(`^${t} OK`, 'm'));
  return out.slice(0, out.lastIndexOf(`${t} OK`));
}

beforeAll(async () => {
  stack = await MailStack.start();
  const account = await stack.addAccount('fay@example.test', 'fay-pw');
  const inbox = (await stack.store.findMailbox(account, 'INBOX'))!;
  for (const m of MESSAGES) await stack.store.appendMail(inbox.id, m, [], Date.UTC(2026, 11, 1));
  client = await RawClient.connect(stack.ports.imap);
  await client.waitFor(/^\* OK/m);
  await command('LOGIN fay@example.test fay-pw');
  await command('EXAMINE INBOX');
});

afterAll(async () => {
  client?.close();
  await stack?.stop();
});

describe('ENVELOPE, BODYSTRUCTURE and BODY from the store', () => {
  it('is byte-identical to the parsed ENVELOPE when computed and when read back', async () => {
    // With a body section in the same FETCH the message is read and parsed, as before facts were kept.
    const parsed = (await command(`FETCH 1:* (ENVELOPE BODYSTRUCTURE BODY ${FROM_MESSAGE})`)).split(FROM_MESSAGE_OUT).join('');
    const computed = await command('FETCH 1:* (ENVELOPE BODYSTRUCTURE BODY)');
    const inbox = (await stack.store.findMailbox((await stack.store.findAccount('fay@example.test'))!.id, 'INBOX'))!;
    const ids = (await stack.store.listMail(inbox.id)).map((m) => m.id);
    expect((await stack.store.readImapFacts(ids, FACTS_VERSION)).size).toBe(MESSAGES.length);
    const stored = await command('FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE BODY RFC822.SIZE)');
    expect(computed.match(/^\* \d+ FETCH/gm)).toHaveLength(MESSAGES.length);
    expect(computed).toBe(parsed);
    expect(stored.replace(/FLAGS \([^)]*\) /g, '').replace(/ RFC822\.SIZE \d+\)/g, ')')).toBe(parsed);
  });

  it('serves the header, whole, by fields and in part, byte for byte as the message has it', async () => {
    const items = 'RFC822.HEADER BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS (From Subject X-None)] BODY.PEEK[HEADER.FIELDS.NOT (Subject)] BODY.PEEK[HEADER]<3.12>';
    const parsed = (await command(`FETCH 1:* (${items} ${FROM_MESSAGE})`)).split(FROM_MESSAGE_OUT).join('');
    const stored = await command(`FETCH 1:* (${items})`);
    expect(stored.match(/^\* \d+ FETCH/gm)).toHaveLength(MESSAGES.length);
    expect(stored).toContain('Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=');
    expect(stored).toBe(parsed);
  });

  it('takes a kept envelope from the store, and parses again what an older facts version kept', async () => {
    const inbox = (await stack.store.findMailbox((await stack.store.findAccount('fay@example.test'))!.id, 'INBOX'))!;
    const first = (await stack.store.listMail(inbox.id))[0]!;
    const kept = (s: string) => ({ envelope: Buffer.from(`(NIL "${s}")`), bodyStructure: Buffer.from(`("${s}")`), body: Buffer.from(`("${s} body")`), header: Buffer.from(`X-Kept: ${s}\r\n\r\n`) });
    await stack.store.saveImapFacts(new Map([[first.id, kept('kept')]]), FACTS_VERSION);
    expect(await command('FETCH 1 (ENVELOPE BODYSTRUCTURE BODY)')).toContain('* 1 FETCH (ENVELOPE (NIL "kept") BODYSTRUCTURE ("kept") BODY ("kept body"))');
    // The header comes from the store too: the kept one, not the message's.
    expect(await command('FETCH 1 (BODY.PEEK[HEADER.FIELDS (X-Kept)])')).toContain('* 1 FETCH (BODY[HEADER.FIELDS (X-Kept)] {16}\r\nX-Kept: kept\r\n\r\n)');
    await stack.store.saveImapFacts(new Map([[first.id, kept('old')]]), FACTS_VERSION - 1);
    expect(await command('FETCH 1 (ENVELOPE)')).toContain('* 1 FETCH (ENVELOPE (NIL "nested" ');
  });
});
