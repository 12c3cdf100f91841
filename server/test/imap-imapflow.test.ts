// A full session with imapflow (the npm IMAP client): STARTTLS, login, LIST with special-use, fetch of
// envelope, structure and source, flags, search, MOVE and COPY with UIDPLUS, APPEND, STATUS, folder
// management and IDLE with an 'exists' event for newly delivered mail.
// IN-PROCESS until mail-server.ts starts the IMAP listener (see helpers/mail-stack.ts).
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBJECT_ENCODED, multipartReport, plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';

let stack: MailStack;
let client: ImapFlow;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('grace@example.test', 'grace-pw');
  await stack.deliver('grace@example.test', multipartReport());
  await stack.deliver('grace@example.test', plain('to be moved'));
  client = new ImapFlow({
    host: '127.0.0.1',
    port: stack.ports.imap,
    secure: false,
    doSTARTTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'grace@example.test', pass: 'grace-pw' },
    logger: false,
  });
  await client.connect();
});

afterAll(async () => {
  await client?.logout().catch(() => undefined);
  await stack?.stop();
});

describe('IMAP with imapflow', () => {
  it('connects over STARTTLS and lists mailboxes with their special use', async () => {
    expect(client.secureConnection).toBe(true);
    const boxes = await client.list();
    const uses = Object.fromEntries(boxes.map((b) => [b.path, b.specialUse ?? null]));
    expect(uses).toEqual({ INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash', Junk: '\\Junk' });
  });

  it('fetches envelope, body structure, flags and source', async () => {
    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(2);
    const msg = await client.fetchOne('1', { envelope: true, bodyStructure: true, flags: true, source: true, uid: true, size: true });
    if (!msg) throw new Error('no message');
    expect(msg.uid).toBe(1);
    expect(msg.envelope?.subject).toBe('Report über Grüße');
    expect(msg.envelope?.from?.[0]).toMatchObject({ name: 'Jürgen Müller', address: 'juergen@remote.test' });
    expect(msg.bodyStructure?.type).toBe('multipart/mixed');
    expect(msg.bodyStructure?.childNodes?.map((c) => [c.part, c.type, c.disposition ?? null])).toEqual([
      ['1', 'text/plain', null],
      ['2', 'application/pdf', 'attachment'],
    ]);
    expect(msg.source?.toString('latin1')).toBe(multipartReport());
    expect(msg.size).toBe(Buffer.byteLength(multipartReport()));
    // imapflow ENABLEs IMAP4rev2, which has no \Recent (RFC 9051); imap-imaplib.test.ts sees it in IMAP4rev1.
    expect([...(msg.flags ?? [])]).toEqual([]);
    const { content } = await client.download('1', '2');
    const chunks: Buffer[] = [];
    for await (const c of content ?? []) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('latin1').startsWith('%PDF-1.4')).toBe(true);
    expect(SUBJECT_ENCODED).toContain('=?UTF-8?B?');
  });

  it('sets flags and searches', async () => {
    await client.messageFlagsAdd('1', ['\\Seen', '$Label1']);
    expect(await client.search({ seen: false })).toEqual([2]);
    expect(await client.search({ keyword: '$Label1' }, { uid: true })).toEqual([1]);
    const msg = await client.fetchOne('1', { flags: true });
    expect([...(msg ? (msg.flags ?? []) : [])].sort()).toEqual(['$Label1', '\\Seen']);
  });

  it('moves and copies with UIDPLUS, appends, and reports status', async () => {
    await client.mailboxCreate('Archive');
    const moved = await client.messageMove('2', 'Archive');
    expect(moved && moved.uidMap?.get(2)).toBe(1);
    expect(client.mailbox && client.mailbox.exists).toBe(1);
    const copied = await client.messageCopy('1', 'Archive', { uid: true });
    expect(copied && copied.uidMap?.get(1)).toBe(2);
    const appended = await client.append('Drafts', plain('a draft'), ['\\Draft']);
    expect(appended && appended.uid).toBe(1);
    const status = await client.status('Archive', { messages: true, uidNext: true, unseen: true });
    expect(status).toMatchObject({ messages: 2, uidNext: 3, unseen: 1 });
  });

  it('renames and deletes folders', async () => {
    await client.mailboxCreate(['Projects', 'Alpha']);
    await client.mailboxRename('Projects', 'Work');
    const paths = (await client.list()).map((b) => b.path);
    expect(paths).toEqual(expect.arrayContaining(['Work', 'Work/Alpha']));
    expect(paths).not.toContain('Projects');
    await client.mailboxDelete('Work/Alpha');
    await client.mailboxDelete('Work');
    expect((await client.list()).map((b) => b.path)).not.toContain('Work');
  });

  it('hears about new mail while idling', async () => {
    await client.mailboxOpen('INBOX');
    const exists = new Promise<{ count: number; prevCount: number }>((resolve) => client.once('exists', resolve));
    const idling = client.idle();
    await stack.deliver('grace@example.test', plain('during idle'));
    const event = await exists;
    expect(event).toMatchObject({ count: 2, prevCount: 1 });
    const msg = await client.fetchOne('*', { envelope: true });
    expect(msg && msg.envelope?.subject).toBe('during idle');
    await idling;
  });
});
