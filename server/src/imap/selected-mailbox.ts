// The selected mailbox as one session sees it: sequence numbers, flags, \Recent, and the changes other
// sessions and local delivery made since it last looked. Sequence numbers may only shift when the client
// is told (EXPUNGE), so mail removed elsewhere stays addressable until an EXPUNGE may be sent
// (RFC 3501 section 7.4.1: never during FETCH, STORE or SEARCH).
import type { MailboxStore, MailboxVersion } from '../store/mailbox-store.ts';
import { SYSTEM_FLAGS } from '../store/mailbox-store.ts';
import type { MailboxInfo, StoredMail } from '../store/types.ts';
import { bad, no } from './errors.ts';
import { wireModseq } from './protocol/modseq.ts';
import { vanished } from './protocol/vanished.ts';
import { SAVED_RESULT, highest, matcher, type SequenceSet } from './protocol/sequence-set.ts';

export class MailboxGoneError extends Error {
  constructor() {
    super('the selected mailbox was deleted');
  }
}

type Store = Pick<MailboxStore, 'mailboxVersion' | 'listMail' | 'claimRecent' | 'firstRecentUid'>;

export class SelectedMailbox {
  /** Sequence number - 1 to UID, ascending. */
  private uids: number[] = [];
  private readonly mail = new Map<number, StoredMail>();
  private readonly recent = new Set<number>();
  /** Gone from the store but not yet announced with EXPUNGE. */
  private readonly expunged = new Set<number>();
  private readonly keywords = new Set<string>();
  private version: MailboxVersion = { uidNext: 1, modseq: 0 };
  /** A keyword appeared through this session's own STORE: the next sync repeats FLAGS. */
  private keywordsGrew = false;
  /** CONDSTORE is on: flag changes reported by sync carry MODSEQ (RFC 7162 3.2.4). */
  condstore = false;
  /** QRESYNC is on: expunges are announced as one VANISHED line rather than EXPUNGE per message. */
  qresync = false;
  /** SEARCHRES's "$" (RFC 5182): the UIDs the last SEARCH RETURN (SAVE) kept; empty for a new selection. */
  savedResult: ReadonlySet<number> = new Set();

  private constructor(
    readonly info: MailboxInfo,
    readonly readOnly: boolean,
    private readonly store: Store,
    /** IMAP4rev2 is enabled (RFC 9051): no \Recent flag, no RECENT and no [UNSEEN] responses. */
    private readonly imap4rev2 = false,
  ) {}

  /** Opens the mailbox and returns the untagged SELECT/EXAMINE responses. */
  static async open(store: Store, info: MailboxInfo, readOnly: boolean, imap4rev2 = false): Promise<{ selected: SelectedMailbox; lines: string[] }> {
    const s = new SelectedMailbox(info, readOnly, store, imap4rev2);
    const version = await store.mailboxVersion(info.id);
    if (!version) throw no('Mailbox does not exist', 'NONEXISTENT');
    s.version = version;
    // Claim before listing: whatever arrives in between is claimed by the next sync, never lost.
    // A rev2 session has no \Recent, so it leaves them to the IMAP4rev1 sessions to claim.
    const firstRecent = imap4rev2 ? Infinity : readOnly ? await store.firstRecentUid(info.id) : await store.claimRecent(info.id);
    for (const m of await store.listMail(info.id)) s.add(m, m.uid >= firstRecent);
    const unseen = s.uids.findIndex((uid) => !s.hasFlag(uid, '\\Seen'));
    const lines = [
      ...s.flagsAnnouncement(),
      `${s.uids.length} EXISTS`,
      ...(imap4rev2 ? [] : [`${s.recent.size} RECENT`]),
      ...(unseen >= 0 && !imap4rev2 ? [`OK [UNSEEN ${unseen + 1}] First unseen message`] : []),
      `OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`,
      `OK [UIDNEXT ${version.uidNext}] Predicted next UID`,
      `OK [HIGHESTMODSEQ ${wireModseq(version.modseq)}] Highest`,
    ];
    return { selected: s, lines };
  }

  get count(): number {
    return this.uids.length;
  }

  /** HIGHESTMODSEQ as of the last sync, as the client sees it. */
  get highestModseq(): number {
    return wireModseq(this.version.modseq);
  }

  /** A message's mod-sequence as the client sees it. */
  modseqOf(uid: number): number {
    return wireModseq(this.mail.get(uid)?.modseq ?? 0);
  }

  get uidNext(): number {
    return this.version.uidNext;
  }

  /** The store's change counters as of the last sync. */
  get known(): MailboxVersion {
    return this.version;
  }

  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  get(uid: number): StoredMail | undefined {
    return this.mail.get(uid);
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  isExpunged(uid: number): boolean {
    return this.expunged.has(uid);
  }

  /** Flags as FETCH reports them, \Recent included. */
  flagsOf(uid: number): string[] {
    const flags = this.mail.get(uid)?.flags ?? [];
    return this.recent.has(uid) ? [...flags, '\\Recent'] : flags;
  }

  hasFlag(uid: number, flag: string): boolean {
    if (flag.toLowerCase() === '\\recent') return this.recent.has(uid);
    return (this.mail.get(uid)?.flags ?? []).some((f) => f.toLowerCase() === flag.toLowerCase());
  }

  /** How many distinct keywords the mailbox would have, as this session knows it, with these flags added. */
  keywordsWith(flags: readonly string[]): number {
    const added = new Set<string>();
    for (const f of flags) if (!f.startsWith('\\') && !this.keywords.has(f)) added.add(f);
    return this.keywords.size + added.size;
  }

  /**
   * UIDs the set names, up to the last one assigned, that are no longer in the mailbox (QRESYNC's VANISHED
   * (EARLIER)). No expunge history is kept, so every absent UID counts, also ones never used (a UID COPY
   * target skipped, say): RFC 7162 lets a server report those. Mail gone but not yet announced is left to
   * the announcement.
   */
  vanishedIn(set: SequenceSet): number[] {
    const last = this.version.uidNext - 1;
    const present = new Set(this.uids);
    const out: number[] = [];
    const has = matcher(set, last);
    for (let uid = 1; uid <= last; uid++) if (!present.has(uid) && has(uid)) out.push(uid);
    return out;
  }

  /** All UIDs in sequence order, the not yet announced expunged ones included. */
  all(): readonly number[] {
    return this.uids;
  }

  /**
   * The UIDs a set names, in sequence order. Sequence numbers beyond the mailbox are an error (the
   * client is out of step); UIDs that do not exist are simply not there (RFC 3501 section 6.4.8).
   */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    // "$" names messages whether the command counts by UID or by sequence number (RFC 5182 2.1).
    if (set === SAVED_RESULT) return this.uids.filter((uid) => this.savedResult.has(uid) && !(byUid && this.expunged.has(uid)));
    if (byUid) {
      const max = this.uids.length > 0 ? this.uids[this.uids.length - 1]! : 0;
      const has = matcher(set, max);
      return this.uids.filter((uid) => has(uid) && !this.expunged.has(uid));
    }
    if (this.uids.length === 0 || highest(set, this.uids.length) > this.uids.length) throw bad('Invalid message sequence number');
    const has = matcher(set, this.uids.length);
    return this.uids.filter((_, i) => has(i + 1));
  }

  /** Records flag changes this session made, so the next sync does not report them back. */
  applyChanges(changed: readonly StoredMail[]): void {
    for (const m of changed) if (this.mail.has(m.uid)) this.mail.set(m.uid, m);
    const before = this.keywords.size;
    for (const m of changed) for (const f of m.flags) if (!f.startsWith('\\')) this.keywords.add(f);
    if (this.keywords.size !== before) this.keywordsGrew = true;
  }

  /** FLAGS and PERMANENTFLAGS as SELECT sends them, and again whenever a keyword appears. */
  private flagsAnnouncement(): string[] {
    return [
      `FLAGS (${this.flagNames().join(' ')})`,
      this.readOnly ? 'OK [PERMANENTFLAGS ()] No permanent flags in a read-only mailbox' : `OK [PERMANENTFLAGS (${[...SYSTEM_FLAGS, ...this.keywords].join(' ')} \\*)] Flags permitted`,
    ];
  }

  /**
   * The FLAGS and PERMANENTFLAGS lines for keywords this session's own STORE added, once. They must reach
   * the client before any FETCH that carries the new keyword (RFC 3501 7.2.6: FLAGS lists what the
   * client may see), so STORE sends them before its FETCH responses.
   */
  takeNewKeywords(): string[] {
    if (!this.keywordsGrew) return [];
    this.keywordsGrew = false;
    return this.flagsAnnouncement();
  }

  /**
   * Catches up with the store and returns the untagged responses that tell the client: new keywords
   * (FLAGS), flag changes (FETCH), removals (EXPUNGE, only when allowed) and new mail (EXISTS, RECENT).
   */
  async sync(allowExpunge: boolean): Promise<string[]> {
    const v = await this.store.mailboxVersion(this.info.id);
    if (!v) throw new MailboxGoneError();
    const lines: string[] = [];
    lines.push(...this.takeNewKeywords());
    const flagsChanged = v.modseq !== this.version.modseq;
    const newMail = v.uidNext !== this.version.uidNext;
    if (flagsChanged || newMail) {
      const rows = await this.store.listMail(this.info.id, flagsChanged ? 1 : this.version.uidNext);
      const keywordsBefore = this.keywords.size;
      const fetches: string[] = [];
      if (flagsChanged) {
        const present = new Set(rows.map((r) => r.uid));
        for (const uid of this.uids) if (!present.has(uid)) this.expunged.add(uid);
      }
      const maxKnown = this.uids.length > 0 ? this.uids[this.uids.length - 1]! : 0;
      const arrived: StoredMail[] = [];
      for (const row of rows) {
        const known = this.mail.get(row.uid);
        if (!known) {
          if (row.uid > maxKnown) arrived.push(row);
          continue;
        }
        const flagsDiffer = known.flags.join(' ') !== row.flags.join(' ');
        if (flagsDiffer || known.modseq !== row.modseq) this.mail.set(row.uid, row);
        if (flagsDiffer || (this.condstore && known.modseq !== row.modseq)) {
          for (const f of row.flags) if (!f.startsWith('\\')) this.keywords.add(f);
          const modseq = this.condstore ? ` MODSEQ (${wireModseq(row.modseq)})` : '';
          fetches.push(`${this.seqOf(row.uid)} FETCH (UID ${row.uid} FLAGS (${this.flagsOf(row.uid).join(' ')})${modseq})`);
        }
      }
      const firstRecent = arrived.length > 0 && !this.readOnly && !this.imap4rev2 ? await this.store.claimRecent(this.info.id) : Infinity;
      for (const m of arrived) this.add(m, m.uid >= firstRecent);
      if (this.keywords.size !== keywordsBefore) lines.push(...this.flagsAnnouncement());
      lines.push(...fetches);
      this.version = v;
      if (allowExpunge) lines.push(...this.announceExpunges());
      if (arrived.length > 0) {
        lines.push(`${this.uids.length} EXISTS`, ...(this.imap4rev2 ? [] : [`${this.recent.size} RECENT`]));
      }
      return lines;
    }
    if (allowExpunge) lines.push(...this.announceExpunges());
    return lines;
  }

  /** Forgets expunged mail, highest sequence number first so each number is still right when sent. */
  private announceExpunges(): string[] {
    if (this.expunged.size === 0) return [];
    if (this.qresync) {
      const gone = [...this.expunged];
      this.uids = this.uids.filter((uid) => !this.expunged.has(uid));
      for (const uid of gone) {
        this.mail.delete(uid);
        this.recent.delete(uid);
      }
      this.expunged.clear();
      return [vanished(gone, false)!];
    }
    const lines: string[] = [];
    for (let i = this.uids.length - 1; i >= 0; i--) {
      const uid = this.uids[i]!;
      if (!this.expunged.has(uid)) continue;
      lines.push(`${i + 1} EXPUNGE`);
      this.uids.splice(i, 1);
      this.mail.delete(uid);
      this.recent.delete(uid);
      this.expunged.delete(uid);
    }
    return lines;
  }

  private add(m: StoredMail, recent: boolean): void {
    this.uids.push(m.uid);
    this.mail.set(m.uid, m);
    if (recent) this.recent.add(m.uid);
    for (const f of m.flags) if (!f.startsWith('\\')) this.keywords.add(f);
  }

  private flagNames(): string[] {
    return [...SYSTEM_FLAGS, ...this.keywords];
  }
}
