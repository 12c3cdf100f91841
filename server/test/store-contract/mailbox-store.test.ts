// The mailbox store, the same on every store (SQLite and PostgreSQL): folders and their hierarchy,
// subscriptions that outlive their mailbox, UIDVALIDITY that never repeats, UIDs that never come back,
// flags, copy and move, expunge, \Recent claims and the change counters sessions rely on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_KEYWORDS_PER_MESSAGE, MailboxError } from '../../src/store/mailbox-store.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('mailboxes'))('$name', (backend) => {
  let store: FullStore;
  let account: number;

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    account = (await store.addAccount('lena@example.test', 'x')).id;
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  const inbox = async () => (await store.findMailbox(account, 'inbox'))!;
  const names = async () => (await store.listMailboxes(account)).map((b) => b.name);
  const code = async (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof MailboxError ? e.code : String(e)),
    );
  const mail = (s: string) => Buffer.from(`Subject: ${s}\r\n\r\nbody\r\n`);

  describe('mailbox store', () => {
    it('finds INBOX case-insensitively and other names exactly', async () => {
      expect((await inbox()).name).toBe('INBOX');
      expect(await store.findMailbox(account, 'Inbox')).not.toBeNull();
      expect(await store.findMailbox(account, 'sent')).toBeNull();
      expect((await store.findMailbox(account, 'Sent'))!.specialUse).toBe('\\Sent');
    });

    it('keeps IMAP facts per message and facts version, survives MOVE, no change for sessions', async () => {
      const box = await inbox();
      await store.appendMail(box.id, mail('a'), [], 1000);
      await store.appendMail(box.id, mail('b'), [], 1000);
      const [a, b] = await store.listMail(box.id);
      const facts = (s: string) => ({ envelope: Buffer.from(`(env ${s})`), bodyStructure: Buffer.from(`(bs ${s})`), body: Buffer.from(`(b ${s})`), header: Buffer.from(`Subject: ${s}\r\n\r\n`) });
      expect((await store.readImapFacts([a!.id, b!.id], 1)).size).toBe(0);
      await store.saveImapFacts(new Map([[a!.id, facts('a')]]), 1);
      expect([...(await store.readImapFacts([a!.id, b!.id], 1))]).toEqual([[a!.id, facts('a')]]);
      // Only the facts asked for, in any combination.
      expect(await store.readImapFacts([a!.id], 1, ['envelope'])).toEqual(new Map([[a!.id, { envelope: facts('a').envelope }]]));
      expect(await store.readImapFacts([a!.id], 1, ['header', 'bodyStructure'])).toEqual(new Map([[a!.id, { header: facts('a').header, bodyStructure: facts('a').bodyStructure }]]));
      // A newer facts version does not trust what an older parser rendered.
      expect((await store.readImapFacts([a!.id], 2)).size).toBe(0);
      // Keeping facts is no change a session must be told about.
      const before = await store.mailboxVersion(box.id);
      await store.saveImapFacts(new Map([[b!.id, facts('b')]]), 1);
      expect(await store.mailboxVersion(box.id)).toEqual(before);
      expect((await store.listMail(box.id)).map((m) => m.modseq)).toEqual([a!.modseq, b!.modseq]);
      const kept = await store.createMailbox(account, 'Kept');
      await store.moveMail(box.id, [a!.uid], kept.id);
      const moved = (await store.listMail(kept.id))[0]!;
      // MOVE keeps the row or copies it: the facts go with the message either way.
      expect((await store.readImapFacts([moved.id], 1)).get(moved.id)).toEqual(facts('a'));
      await store.saveImapFacts(new Map([[999_999, facts('x')]]), 1);
      expect((await store.readImapFacts([999_999], 1)).size).toBe(0);
    });

    it('lists the mail still without IMAP facts, newest first, and COPY carries the facts along', async () => {
      const box = await inbox();
      for (const s of ['a', 'b', 'c']) await store.appendMail(box.id, mail(s), [], 1000);
      const [a, b, c] = await store.listMail(box.id);
      expect(await store.listMailWithoutImapFacts(10)).toEqual([c!.id, b!.id, a!.id]);
      expect(await store.listMailWithoutImapFacts(2)).toEqual([c!.id, b!.id]);
      const facts = { envelope: Buffer.from('(env)'), bodyStructure: Buffer.from('(bs)'), body: Buffer.from('(b)'), header: Buffer.from('Subject: b\r\n\r\n') };
      await store.saveImapFacts(new Map([[b!.id, facts]]), 1);
      expect(await store.listMailWithoutImapFacts(10)).toEqual([c!.id, a!.id]);
      const other = await store.createMailbox(account, 'Other');
      await store.copyMail(box.id, [b!.uid], other.id);
      const copied = (await store.listMail(other.id))[0]!;
      expect((await store.readImapFacts([copied.id], 1)).get(copied.id)).toEqual(facts);
      expect(await store.listMailWithoutImapFacts(10)).not.toContain(copied.id);
    });

    it('creates parents, refuses duplicates and invalid names', async () => {
      await store.createMailbox(account, 'Archive/2024/Q1');
      expect(await names()).toEqual(expect.arrayContaining(['Archive', 'Archive/2024', 'Archive/2024/Q1']));
      expect(await code(store.createMailbox(account, 'Archive'))).toBe('exists');
      expect(await code(store.createMailbox(account, 'inbox'))).toBe('exists');
      for (const bad of ['', '/x', 'x/', 'a//b', 'a*b', 'tab\there', 'x'.repeat(300)]) {
        expect(await code(store.createMailbox(account, bad))).toBe('invalid');
      }
    });

    it('creates a mailbox with a special-use attribute, its parents without one', async () => {
      const box = await store.createMailbox(account, 'Old/Drafts', '\\Drafts');
      expect(box.specialUse).toBe('\\Drafts');
      expect((await store.findMailbox(account, 'Old/Drafts'))!.specialUse).toBe('\\Drafts');
      expect((await store.findMailbox(account, 'Old'))!.specialUse).toBeNull();
      expect((await store.createMailbox(account, 'Plain')).specialUse).toBeNull();
    });

    it('appends several messages in one transaction: all with consecutive UIDs, or none', async () => {
      const box = await inbox();
      const added = await store.appendMails(box.id, [
        { content: mail('a'), flags: ['\\Seen'], internalDate: 1000 },
        { content: mail('b'), flags: [], internalDate: 2000 },
      ]);
      expect(added).toEqual({ uids: [1, 2], uidValidity: box.uidValidity });
      expect((await store.listMail(box.id)).map((m) => [m.uid, m.flags, m.internalDate])).toEqual([
        [1, ['\\Seen'], 1000],
        [2, [], 2000],
      ]);
      // The third message fails inside the transaction: the two before it are not kept either.
      const broken = { content: undefined as unknown as Buffer, flags: [], internalDate: 3 };
      await expect(store.appendMails(box.id, [{ content: mail('c'), flags: [], internalDate: 3 }, { content: mail('d'), flags: [], internalDate: 3 }, broken])).rejects.toThrow();
      expect((await store.listMail(box.id)).map((m) => m.uid)).toEqual([1, 2]);
      expect((await store.getQuota(account))!.usedMessages).toBe(2);
      expect((await store.appendMail(box.id, mail('e'), [], 4)).uid).toBeGreaterThan(2);
    });

    it('deletes only leaf mailboxes other than INBOX, taking their mail along', async () => {
      const box = await store.createMailbox(account, 'Old/Stuff');
      await store.appendMail(box.id, mail('x'), [], 1);
      expect(await code(store.deleteMailbox(account, 'Old'))).toBe('has_children');
      expect(await code(store.deleteMailbox(account, 'INBOX'))).toBe('invalid');
      expect(await code(store.deleteMailbox(account, 'Nope'))).toBe('not_found');
      await store.deleteMailbox(account, 'Old/Stuff');
      expect(await store.listMail(box.id)).toEqual([]);
      expect(await store.mailboxVersion(box.id)).toBeNull();
    });

    it('never hands out a UIDVALIDITY twice for a name created again, even within one second', async () => {
      const first = await store.createMailbox(account, 'Again');
      await store.deleteMailbox(account, 'Again');
      const second = await store.createMailbox(account, 'Again');
      expect(second.uidValidity).toBeGreaterThan(first.uidValidity);
      expect(second.uidNext).toBe(1);
    });

    it('renames a mailbox with its children and keeps subscriptions with them', async () => {
      await store.createMailbox(account, 'Work/Alpha');
      await store.setSubscribed(account, 'Work/Alpha', true);
      await store.renameMailbox(account, 'Work', 'Jobs/Current');
      expect(await names()).toEqual(expect.arrayContaining(['Jobs', 'Jobs/Current', 'Jobs/Current/Alpha']));
      expect(await names()).not.toContain('Work');
      expect(await store.listSubscriptions(account)).toContain('Jobs/Current/Alpha');
      expect(await code(store.renameMailbox(account, 'Jobs', 'Jobs/Inside'))).toBe('invalid');
      expect(await code(store.renameMailbox(account, 'Jobs', 'Sent'))).toBe('exists');
    });

    it('renames INBOX by moving its mail into the new mailbox and leaving INBOX empty', async () => {
      const box = await inbox();
      await store.appendMail(box.id, mail('a'), ['\\Seen'], 1);
      await store.appendMail(box.id, mail('b'), [], 2);
      await store.renameMailbox(account, 'INBOX', 'Old mail');
      expect(await store.listMail(box.id)).toEqual([]);
      const moved = (await store.findMailbox(account, 'Old mail'))!;
      expect((await store.listMail(moved.id)).map((m) => [m.uid, m.flags])).toEqual([
        [1, ['\\Seen']],
        [2, []],
      ]);
      expect(moved.uidNext).toBe(3);
    });

    it('keeps a subscription when its mailbox is deleted (RFC 3501 6.3.6); new accounts get theirs', async () => {
      expect(await store.listSubscriptions(account)).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
      await store.createMailbox(account, 'Temp');
      expect(await store.listSubscriptions(account)).not.toContain('Temp');
      await store.setSubscribed(account, 'Temp', true);
      await store.deleteMailbox(account, 'Temp');
      expect(await store.listSubscriptions(account)).toContain('Temp');
      await store.setSubscribed(account, 'Temp', false);
      expect(await store.listSubscriptions(account)).not.toContain('Temp');
    });

    it('appends with increasing UIDs that are never reused after an expunge', async () => {
      const box = await inbox();
      const a = await store.appendMail(box.id, mail('a'), [], 1);
      const b = await store.appendMail(box.id, mail('b'), ['\\Deleted'], 2);
      expect([a.uid, b.uid]).toEqual([1, 2]);
      expect(await store.expunge(box.id)).toEqual([2]);
      expect((await store.appendMail(box.id, mail('c'), [], 3)).uid).toBe(3);
      expect((await store.listMail(box.id)).map((m) => m.uid)).toEqual([1, 3]);
      expect((await store.listMail(box.id, 2)).map((m) => m.uid)).toEqual([3]);
    });

    it('lists the same mail in columns as listMail does, dates before 1970 and keywords included', async () => {
      const box = await inbox();
      expect(await store.listMailColumns(box.id)).toMatchObject({ flags: [], uids: new Uint32Array(0) });
      await store.appendMail(box.id, mail('old'), ['\\Seen', '$Work,Home'], -86_400_000 * 365 * 10);
      await store.appendMail(box.id, mail('gone'), ['\\Deleted'], 2);
      await store.appendMails(box.id, [
        { content: mail('x'.repeat(5000)), flags: [], internalDate: 1_796_433_125_530 },
        { content: mail('y'), flags: ['\\Flagged'], internalDate: 1_796_433_125_531 },
      ]);
      await store.expunge(box.id);
      await store.setFlags(box.id, [3], 'add', ['\\Answered']);
      const rows = await store.listMail(box.id);
      const columns = await store.listMailColumns(box.id);
      expect(rows.map((m) => m.uid)).toEqual([1, 3, 4]);
      expect(columns).toEqual({
        uids: Uint32Array.from(rows.map((m) => m.uid)),
        ids: Float64Array.from(rows.map((m) => m.id)),
        modseqs: Float64Array.from(rows.map((m) => m.modseq)),
        sizes: Float64Array.from(rows.map((m) => m.size)),
        internalDates: Float64Array.from(rows.map((m) => m.internalDate)),
        flags: rows.map((m) => m.flags.join(' ')),
      });
      expect(columns.internalDates[0]).toBeLessThan(0);
    });

    it('changes flags, reporting only what changed, and moves the change counter', async () => {
      const box = await inbox();
      await store.appendMail(box.id, mail('a'), ['\\Seen'], 1);
      await store.appendMail(box.id, mail('b'), [], 2);
      const before = (await store.mailboxVersion(box.id))!;
      expect((await store.setFlags(box.id, [1, 2, 99], 'add', ['\\seen'.replace('s', 'S'), '$Work'])).map((m) => [m.uid, m.flags])).toEqual([
        [1, ['\\Seen', '$Work']],
        [2, ['\\Seen', '$Work']],
      ]);
      expect(await store.setFlags(box.id, [1], 'add', ['\\Seen'])).toEqual([]);
      expect((await store.setFlags(box.id, [1], 'remove', ['$work'])).map((m) => m.flags)).toEqual([['\\Seen']]);
      expect((await store.setFlags(box.id, [2], 'replace', ['\\Flagged', '\\Flagged'])).map((m) => m.flags)).toEqual([['\\Flagged']]);
      const after = (await store.mailboxVersion(box.id))!;
      expect(after.modseq).toBeGreaterThan(before.modseq);
      expect(after.uidNext).toBe(before.uidNext);
      expect(await store.mailboxStatus(box.id)).toMatchObject({ messages: 2, unseen: 1, uidNext: 3 });
    });

    it('refuses a flag change that leaves any message with too many keywords, changing none', async () => {
      const box = await inbox();
      await store.appendMail(box.id, mail('a'), [], 1);
      await store.appendMail(box.id, mail('b'), ['$Old'], 2);
      const before = (await store.mailboxVersion(box.id))!;
      const keywords = Array.from({ length: MAX_KEYWORDS_PER_MESSAGE }, (_, i) => `k${i}`);
      await expect(store.setFlags(box.id, [1, 2], 'add', keywords)).rejects.toMatchObject({ code: 'limit' });
      expect((await store.listMail(box.id)).map((m) => m.flags)).toEqual([[], ['$Old']]);
      expect(await store.mailboxVersion(box.id)).toEqual(before);
      expect((await store.setFlags(box.id, [1, 2], 'replace', keywords)).length).toBe(2);
    });

    it('copies with flags and dates, and moves atomically, reporting UID pairs', async () => {
      const box = await inbox();
      const trash = (await store.findMailbox(account, 'Trash'))!;
      await store.appendMail(box.id, mail('a'), ['\\Flagged'], 1000);
      await store.appendMail(box.id, mail('b'), [], 2000);
      expect(await store.copyMail(box.id, [2, 1, 7], trash.id)).toEqual({ uidValidity: trash.uidValidity, sourceUids: [1, 2], targetUids: [1, 2] });
      expect((await store.listMail(trash.id)).map((m) => [m.uid, m.flags, m.internalDate])).toEqual([
        [1, ['\\Flagged'], 1000],
        [2, [], 2000],
      ]);
      const moved = await store.moveMail(box.id, [2], trash.id);
      expect(moved.targetUids).toEqual([3]);
      expect((await store.listMail(box.id)).map((m) => m.uid)).toEqual([1]);
      expect((await store.readMail((await store.listMail(trash.id))[2]!.id))!.toString()).toContain('Subject: b');
    });

    it('expunges only \\Deleted mail, optionally only among given UIDs; removeMail ignores flags', async () => {
      const box = await inbox();
      for (const s of ['a', 'b', 'c']) await store.appendMail(box.id, mail(s), ['\\Deleted'], 1);
      await store.appendMail(box.id, mail('d'), [], 1);
      expect(await store.expunge(box.id, [2, 4])).toEqual([2]);
      expect(await store.removeMail(box.id, [4, 9])).toEqual([4]);
      expect(await store.expunge(box.id)).toEqual([1, 3]);
    });

    it('claims \\Recent mail for one caller only', async () => {
      const box = await inbox();
      await store.appendMail(box.id, mail('a'), [], 1);
      expect(await store.firstRecentUid(box.id)).toBe(1);
      expect(await store.claimRecent(box.id)).toBe(1);
      await store.appendMail(box.id, mail('b'), [], 1);
      expect(await store.mailboxStatus(box.id)).toMatchObject({ recent: 1 });
      expect(await store.claimRecent(box.id)).toBe(2);
      expect(await store.claimRecent(box.id)).toBe(3);
    });

    it('stamps each message with a new modseq when it arrives (APPEND, COPY, delivery) and when its flags change', async () => {
      const box = await inbox();
      const archive = await store.createMailbox(account, 'Archive');
      const start = (await store.mailboxVersion(box.id))!.modseq;
      await store.appendMail(box.id, mail('a'), [], 1);
      await store.appendMail(box.id, mail('b'), [], 2);
      const [a, b] = await store.listMail(box.id);
      expect(a!.modseq).toBeGreaterThan(start);
      expect(b!.modseq).toBeGreaterThan(a!.modseq);
      expect((await store.mailboxVersion(box.id))!.modseq).toBe(b!.modseq);
      const [changed] = await store.setFlags(box.id, [1], 'add', ['\\Seen']);
      expect(changed!.modseq).toBeGreaterThan(b!.modseq);
      expect((await store.listMail(box.id))[0]!.modseq).toBe(changed!.modseq);
      expect((await store.mailboxVersion(box.id))!.modseq).toBe(changed!.modseq);
      // A change that changes nothing leaves the modseq alone.
      await store.setFlags(box.id, [1], 'add', ['\\Seen']);
      expect((await store.listMail(box.id))[0]!.modseq).toBe(changed!.modseq);
      await store.copyMail(box.id, [1, 2], archive.id);
      const copies = await store.listMail(archive.id);
      expect(copies[1]!.modseq).toBeGreaterThan(copies[0]!.modseq);
      expect((await store.mailboxVersion(archive.id))!.modseq).toBe(copies[1]!.modseq);
      await store.enqueue({ id: 'Q9', sender: 'a@remote.test', recipients: [{ address: 'lena@example.test', destination: 'local', accountId: account }], content: mail('queued'), source: 'smtp' });
      const job = (await store.claimNextJob(Date.now() + 1000, () => Date.now() + 60_000, new Set()))!;
      await store.deliverLocal(
        job.messageId,
        job.recipients.map((r) => r.id),
        mail('queued'),
        Date.now(),
      );
      const delivered = (await store.listMail(box.id))[2]!;
      expect(delivered.modseq).toBeGreaterThan(changed!.modseq);
      expect((await store.mailboxVersion(box.id))!.modseq).toBe(delivered.modseq);
    });

    it('changes flags only where the modseq is at most UNCHANGEDSINCE, naming the others as modified', async () => {
      const box = await inbox();
      for (const s of ['a', 'b', 'c']) await store.appendMail(box.id, mail(s), [], 1);
      const [, b] = await store.listMail(box.id);
      // Message 3 arrived after b's modseq: it is modified since; 99 does not exist and is in neither list.
      const result = await store.setFlagsUnchangedSince(box.id, [3, 1, 2, 99], 'add', ['$Done'], b!.modseq);
      expect(result.changed.map((m) => m.uid)).toEqual([1, 2]);
      expect(result.modified).toEqual([3]);
      expect(result.changed[1]!.modseq).toBeGreaterThan(result.changed[0]!.modseq);
      const now = await store.listMail(box.id);
      expect(now.map((m) => m.flags)).toEqual([['$Done'], ['$Done'], []]);
      // UNCHANGEDSINCE 0 fails for every message (RFC 7162 3.1.3).
      expect((await store.setFlagsUnchangedSince(box.id, [1, 2, 3], 'remove', ['$Done'], 0)).modified).toEqual([1, 2, 3]);
    });

    it('sees mail filed by local delivery through uidNext', async () => {
      const box = await inbox();
      const before = (await store.mailboxVersion(box.id))!;
      await store.enqueue({ id: 'Q1', sender: 'a@remote.test', recipients: [{ address: 'lena@example.test', destination: 'local', accountId: account }], content: mail('queued'), source: 'smtp' });
      const job = (await store.claimNextJob(Date.now() + 1000, () => Date.now() + 60_000, new Set()))!;
      await store.deliverLocal(
        job.messageId,
        job.recipients.map((r) => r.id),
        mail('queued'),
        Date.now(),
      );
      expect((await store.mailboxVersion(box.id))!.uidNext).toBe(before.uidNext + 1);
    });
  });
});
