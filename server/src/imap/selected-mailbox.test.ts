// How one session's view of a mailbox follows the store: new mail as EXISTS and RECENT, other sessions'
// flag changes as FETCH, removals as EXPUNGE only when allowed, sequence numbers stable until then.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store/mailbox-store.ts';
import { logger } from '../telemetry/log.ts';
import { MailboxViews } from './mailbox-views.ts';
import { MailboxWatcher } from './mailbox-watcher.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { MailboxInfo } from '../store/types.ts';
import { parseSequenceSet } from './protocol/sequence-set.ts';
import { MailboxGoneError, SelectedMailbox } from './selected-mailbox.ts';

let dir: string;
let store: Store & MailboxStore;
let views: MailboxViews;
let box: MailboxInfo;
const add = (flags: string[] = []) => store.appendMail(box.id, Buffer.from('Subject: x\r\n\r\ny\r\n'), flags, Date.now());

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-selected-'));
  store = openSqliteStore(path.join(dir, 'db.sqlite')) as Store & MailboxStore;
  views = new MailboxViews(store, new MailboxWatcher(store, 100, logger('imap')));
  await store.addDomain('example.test');
  const account = await store.addAccount('mo@example.test', 'x');
  box = (await store.findMailbox(account.id, 'INBOX'))!;
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SelectedMailbox', () => {
  it('answers SELECT with counts, first unseen, UIDVALIDITY and UIDNEXT, and claims \\Recent', async () => {
    await add(['\\Seen']);
    await add();
    const { selected, lines } = await SelectedMailbox.open(views, store, box, false);
    expect(lines).toEqual([
      'FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      'OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted',
      '2 EXISTS',
      '2 RECENT',
      'OK [UNSEEN 2] First unseen message',
      `OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`,
      'OK [UIDNEXT 3] Predicted next UID',
      // Two arrivals moved the stored modseq to 2: the wire value is one more (protocol/modseq.ts).
      'OK [HIGHESTMODSEQ 3] Highest',
    ]);
    expect(selected.flagsOf(2)).toEqual(['\\Recent']);
    const second = await SelectedMailbox.open(views, store, box, false);
    expect(second.lines[3]).toBe('0 RECENT');
    const examined = await SelectedMailbox.open(views, store, box, true);
    expect(examined.lines[1]).toBe('OK [PERMANENTFLAGS ()] No permanent flags in a read-only mailbox');
  });

  it("reports new mail, other sessions' flag changes and new keywords", async () => {
    await add();
    const { selected } = await SelectedMailbox.open(views, store, box, false);
    expect(await selected.sync(true)).toEqual([]);
    await add();
    // RECENT counts every message that is \Recent for this session, not just the new one.
    expect(await selected.sync(true)).toEqual(['2 EXISTS', '2 RECENT']);
    await store.setFlags(box.id, [1], 'add', ['\\Flagged', '$Later']);
    expect(await selected.sync(false)).toEqual([
      'FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)',
      'OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted',
      '1 FETCH (UID 1 FLAGS (\\Flagged $Later \\Recent))',
    ]);
  });

  it('holds expunges back while they may not be sent, keeping sequence numbers stable', async () => {
    for (let i = 0; i < 4; i++) await add(i % 2 ? ['\\Deleted'] : []);
    const { selected } = await SelectedMailbox.open(views, store, box, false);
    await store.expunge(box.id);
    expect(await selected.sync(false)).toEqual([]);
    expect(selected.count).toBe(4);
    expect(selected.resolve(parseSequenceSet('1:*'), false)).toEqual([1, 2, 3, 4]);
    expect(selected.isExpunged(2)).toBe(true);
    expect(selected.resolve(parseSequenceSet('1:*'), true)).toEqual([1, 3]);
    await add();
    expect(await selected.sync(true)).toEqual(['4 EXPUNGE', '2 EXPUNGE', '3 EXISTS', '3 RECENT']);
    expect(selected.seqOf(5)).toBe(3);
  });

  it('refuses sequence numbers beyond the mailbox and ignores missing UIDs', async () => {
    await add();
    const { selected } = await SelectedMailbox.open(views, store, box, true);
    expect(() => selected.resolve(parseSequenceSet('2'), false)).toThrow('Invalid message sequence number');
    expect(selected.resolve(parseSequenceSet('2:9'), true)).toEqual([]);
    expect(selected.resolve(parseSequenceSet('2:*'), true)).toEqual([1]);
  });

  it('does not report its own flag changes back', async () => {
    await add();
    const { selected } = await SelectedMailbox.open(views, store, box, false);
    selected.applyChanges(await store.setFlags(box.id, [1], 'add', ['\\Seen']));
    expect(await selected.sync(true)).toEqual([]);
  });

  it('notices that the mailbox was deleted', async () => {
    const other = await store.createMailbox(box.accountId, 'Gone');
    const { selected } = await SelectedMailbox.open(views, store, other, false);
    await store.deleteMailbox(box.accountId, 'Gone');
    await expect(selected.sync(true)).rejects.toBeInstanceOf(MailboxGoneError);
  });
});
