// SEARCH criteria against a real mailbox: flags, sizes, dates, headers with encoded-words, body text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../../store/mailbox-store.ts';
import { logger } from '../../telemetry/log.ts';
import { MailboxViews } from '../mailbox-views.ts';
import { MailboxWatcher } from '../mailbox-watcher.ts';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { Cursor } from '../protocol/cursor.ts';
import { parseSearch } from '../protocol/search-keys.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import { search } from './evaluate.ts';

let dir: string;
let store: Store & MailboxStore;
let views: MailboxViews;
let selected: SelectedMailbox;

const mail = (headers: string[], body: string) => Buffer.from([...headers, '', body].join('\r\n'));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-search-'));
  store = openSqliteStore(path.join(dir, 'db.sqlite')) as Store & MailboxStore;
  views = new MailboxViews(store, new MailboxWatcher(store, 100, logger('imap')));
  await store.addDomain('example.test');
  const account = await store.addAccount('nina@example.test', 'x');
  const box = (await store.findMailbox(account.id, 'INBOX'))!;
  await store.appendMail(box.id, mail(['From: Bob <bob@remote.test>', 'Subject: =?UTF-8?B?R3LDvMOfZQ==?=', 'Date: Tue, 1 Jul 2003 10:52:37 +0200'], 'Hello there'), ['\\Seen'], Date.UTC(2024, 0, 10));
  await store.appendMail(box.id, mail(['From: carol@remote.test', 'Subject: invoice', 'X-Priority: 1'], 'Please pay'), ['\\Flagged', '$Work'], Date.UTC(2024, 1, 1));
  await store.appendMail(box.id, mail(['From: dave@other.test', 'Subject: re: invoice'], 'x'.repeat(500)), [], Date.UTC(2024, 2, 1));
  selected = (await SelectedMailbox.open(views, store, box, true)).selected;
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (criteria: string) => search(parseSearch(new Cursor(Buffer.from(criteria))).key, { selected, readMail: (id) => store.readMail(id) });

describe('SEARCH evaluation', () => {
  it('matches flags, keywords, sizes and sequence or UID sets', async () => {
    expect(await run('UNSEEN')).toEqual([2, 3]);
    expect(await run('FLAGGED KEYWORD $Work')).toEqual([2]);
    expect(await run('UNKEYWORD $Work')).toEqual([1, 3]);
    expect(await run('LARGER 400')).toEqual([3]);
    expect(await run('SMALLER 400')).toEqual([1, 2]);
    expect(await run('2:*')).toEqual([2, 3]);
    expect(await run('UID 1,3')).toEqual([1, 3]);
    expect(await run('ALL NOT 2')).toEqual([1, 3]);
    expect(await run('OR SEEN FLAGGED')).toEqual([1, 2]);
  });

  it('matches internal and sent dates', async () => {
    expect(await run('BEFORE 1-Feb-2024')).toEqual([1]);
    expect(await run('ON 1-Feb-2024')).toEqual([2]);
    expect(await run('SINCE 1-Feb-2024')).toEqual([2, 3]);
    expect(await run('SENTON 1-Jul-2003')).toEqual([1]);
    expect(await run('SENTBEFORE 1-Jan-2004')).toEqual([1]);
  });

  it('matches decoded header text, header presence and body text, case-insensitively', async () => {
    expect(await run('SUBJECT grüße')).toEqual([1]);
    expect(await run('SUBJECT INVOICE')).toEqual([2, 3]);
    expect(await run('FROM remote.test')).toEqual([1, 2]);
    expect(await run('HEADER X-Priority ""')).toEqual([2]);
    expect(await run('BODY "please pay"')).toEqual([2]);
    expect(await run('TEXT bob')).toEqual([1]);
    expect(await run('TO nobody')).toEqual([]);
  });

  it('reads the headers a batch at a time when the keys look at header fields, and only then', async () => {
    const asked: number[][] = [];
    const scope = {
      selected,
      readMail: (id: number) => store.readMail(id),
      readHeader: () => Promise.reject(new Error('read one at a time')),
      readHeaders: async (ids: readonly number[]) => {
        asked.push([...ids]);
        const out = new Map<number, Buffer>();
        for (const id of ids) {
          const content = (await store.readMail(id))!;
          out.set(id, content.subarray(0, content.indexOf('\r\n\r\n') + 4));
        }
        return out;
      },
    };
    const key = (criteria: string) => parseSearch(new Cursor(Buffer.from(criteria))).key;
    expect(await search(key('OR SUBJECT invoice SENTON 1-Jul-2003'), scope)).toEqual([1, 2, 3]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toHaveLength(3);
    expect(await search(key('NOT FROM carol'), scope)).toEqual([1, 3]);
    expect(asked).toHaveLength(2);
    // Keys that need no header read none.
    expect(await search(key('UNSEEN LARGER 10'), scope)).toEqual([2, 3]);
    expect(await search(key('BODY "please pay"'), scope)).toEqual([2]);
    expect(asked).toHaveLength(2);
  });
});
