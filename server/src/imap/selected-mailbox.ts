// The selected mailbox as one session sees it: a delta against the node's shared view of the mailbox
// (mailbox-view.ts). Only what RFC 3501/9051 make per session lives here: the sequence numbers (the view's
// UIDs below what this session announced with EXISTS, plus removals it has not announced yet), \Recent (a
// few UID ranges), and how far it has reported flag changes (one modseq). Sequence numbers may only shift
// when the client is told (EXPUNGE), so mail removed elsewhere stays addressable until an EXPUNGE may be
// sent (RFC 3501 section 7.4.1: never during FETCH, STORE or SEARCH).
import type { MailboxStore, MailboxVersion } from '../store/mailbox-store.ts';
import { SYSTEM_FLAGS } from '../store/mailbox-store.ts';
import type { MailboxInfo, StoredMail } from '../store/types.ts';
import { bad, no } from './errors.ts';
import type { DepartingMail, MailboxView, ViewMember } from './mailbox-view.ts';
import type { MailboxViews } from './mailbox-views.ts';
import { wireModseq } from './protocol/modseq.ts';
import { vanished } from './protocol/vanished.ts';
import { SAVED_RESULT, highest, matcher, type SequenceSet } from './protocol/sequence-set.ts';

export class MailboxGoneError extends Error {
  constructor() {
    super('the selected mailbox was deleted');
  }
}

type Store = Pick<MailboxStore, 'claimRecent' | 'firstRecentUid'>;

/** Binary search in an ascending list: how many entries are below uid. */
function below(list: readonly number[], uid: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < uid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SelectedMailbox implements ViewMember {
  /** The view's UIDs below this are announced (EXISTS); above, they arrived since and wait for the next sync. */
  private limit = 1;
  /** Gone from the view but not yet announced with EXPUNGE: ascending UIDs, and what was known of each. */
  private pendingUids: number[] = [];
  private pending: StoredMail[] = [];
  /** \Recent for this session: inclusive UID ranges [from, to, from, to, ...], ascending. */
  private recentRanges: number[] = [];
  /** The view's counters as of the last sync: flag changes with a higher modseq are not reported yet. */
  private version: MailboxVersion = { uidNext: 1, modseq: 0 };
  /** Keywords of the view announced in FLAGS (the view's list only grows). */
  private keywordsAnnounced = 0;
  /** This session's own flag changes since its last sync: reported by its command, not again by the sync. */
  private own: Map<number, StoredMail> | null = null;
  private released = false;
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
    private readonly views: MailboxViews,
    private readonly view: MailboxView,
    /** IMAP4rev2 is enabled (RFC 9051): no \Recent flag, no RECENT and no [UNSEEN] responses. */
    private readonly imap4rev2 = false,
  ) {}

  /** Opens the mailbox and returns the untagged SELECT/EXAMINE responses. */
  static async open(views: MailboxViews, store: Store, info: MailboxInfo, readOnly: boolean, imap4rev2 = false): Promise<{ selected: SelectedMailbox; lines: string[] }> {
    const view = await views.acquire(info.id);
    const s = new SelectedMailbox(info, readOnly, store, views, view, imap4rev2);
    try {
      if (view.gone) throw no('Mailbox does not exist', 'NONEXISTENT');
      // A rev2 session has no \Recent, so it leaves them to the IMAP4rev1 sessions to claim. Reading
      // before claiming spares the write when there is nothing to claim (the usual SELECT).
      let firstRecent = imap4rev2 ? Infinity : await store.firstRecentUid(info.id);
      if (!readOnly && firstRecent < view.version.uidNext) {
        firstRecent = await store.claimRecent(info.id);
        // What arrived before the claim is this session's \Recent: the view must hold it.
        await view.refresh();
      }
      if (view.gone) throw no('Mailbox does not exist', 'NONEXISTENT');
      view.join(s);
      s.limit = view.version.uidNext;
      s.version = view.version;
      s.keywordsAnnounced = view.keywords.length;
      if (firstRecent < s.limit) s.recentRanges = [firstRecent, s.limit - 1];
    } catch (err) {
      views.release(view);
      throw err;
    }
    let unseen = -1;
    for (let i = 0; i < s.count && unseen < 0; i++) if (!view.flagsAt(i).includes('\\Seen')) unseen = i;
    const lines = [
      ...s.flagsAnnouncement(),
      `${s.count} EXISTS`,
      ...(imap4rev2 ? [] : [`${s.recentCount()} RECENT`]),
      ...(unseen >= 0 && !imap4rev2 ? [`OK [UNSEEN ${unseen + 1}] First unseen message`] : []),
      `OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`,
      `OK [UIDNEXT ${s.version.uidNext}] Predicted next UID`,
      `OK [HIGHESTMODSEQ ${wireModseq(s.version.modseq)}] Highest`,
    ];
    return { selected: s, lines };
  }

  /** Leaves the shared view (deselected or disconnected); the view is freed with its last session. */
  close(): void {
    if (this.released) return;
    this.released = true;
    this.view.letGo(this.pending.map((m) => m.id));
    this.view.leave(this);
    this.views.release(this.view);
  }

  /** ViewMember: mail this session announced is kept until it may announce the removal. */
  removed(mail: readonly StoredMail[]): number[] {
    const kept: number[] = [];
    for (const m of mail) {
      if (m.uid >= this.limit) continue;
      const at = below(this.pendingUids, m.uid);
      if (this.pendingUids[at] === m.uid) continue;
      this.pendingUids.splice(at, 0, m.uid);
      this.pending.splice(at, 0, this.own?.get(m.uid) ?? m);
      kept.push(m.id);
    }
    return kept;
  }

  /** Other sessions on this node have the mailbox selected too. */
  get shared(): boolean {
    return this.view.memberCount > 1;
  }

  /** See MailboxView.keepDeparting: called before an expunge of these messages, while they are still here. */
  keepDeparting(mail: ReadonlyMap<number, DepartingMail>): void {
    this.view.keepDeparting(mail);
  }

  /**
   * A message that another session is expunging or expunged and this one still lists, as the view kept it
   * (MailboxView.departed). Still listed: removed but not announced yet (pending), or still in the view,
   * which has not yet seen the store delete it. That second window is why the expunging session hands the
   * message over before the store deletes it: a SEARCH here in between would find it in neither place
   * (imaptest's stress found it as "SEARCH result has extra": SENTSINCE matched on the arrival date).
   */
  departed(id: number): DepartingMail | undefined {
    const kept = this.view.departed(id);
    if (!kept) return undefined;
    return this.pending.some((m) => m.id === id) || this.view.holdsId(id) ? kept : undefined;
  }

  /** Calls onChange whenever the shared view changed (IDLE); returns the unsubscribe. */
  listen(onChange: () => void): () => void {
    return this.views.listen(this.view, onChange);
  }

  /** The shared view changed since the last sync, or removals wait to be announced. */
  get behind(): boolean {
    const v = this.view.version;
    return this.view.gone || v.modseq !== this.version.modseq || v.uidNext !== this.version.uidNext || this.pendingUids.length > 0;
  }

  /** Announced messages still in the view. */
  private get visible(): number {
    return this.view.lowerBound(this.limit);
  }

  get count(): number {
    return this.visible + this.pendingUids.length;
  }

  /** HIGHESTMODSEQ as of the last sync, as the client sees it. */
  get highestModseq(): number {
    return wireModseq(this.version.modseq);
  }

  /** A message's mod-sequence as the client sees it. */
  modseqOf(uid: number): number {
    return wireModseq(this.get(uid)?.modseq ?? 0);
  }

  get uidNext(): number {
    return this.version.uidNext;
  }

  /** The store's change counters as of the last sync. */
  get known(): MailboxVersion {
    return this.version;
  }

  seqOf(uid: number): number {
    if (uid >= this.limit) return 0;
    const p = below(this.pendingUids, uid);
    if (this.pendingUids[p] !== uid && this.view.indexOf(uid) < 0) return 0;
    return this.view.lowerBound(uid) + p + 1;
  }

  get(uid: number): StoredMail | undefined {
    const own = this.own?.get(uid);
    if (own) return own;
    if (uid >= this.limit) return undefined;
    const i = this.view.indexOf(uid);
    if (i >= 0) return this.view.mailAt(i);
    const p = below(this.pendingUids, uid);
    return this.pendingUids[p] === uid ? this.pending[p] : undefined;
  }

  private flagsOfMail(uid: number): readonly string[] {
    const own = this.own?.get(uid);
    if (own) return own.flags;
    if (uid >= this.limit) return [];
    const i = this.view.indexOf(uid);
    if (i >= 0) return this.view.flagsAt(i);
    const p = below(this.pendingUids, uid);
    return this.pendingUids[p] === uid ? this.pending[p]!.flags : [];
  }

  isRecent(uid: number): boolean {
    const r = this.recentRanges;
    for (let i = 0; i < r.length; i += 2) if (uid >= r[i]! && uid <= r[i + 1]!) return true;
    return false;
  }

  isExpunged(uid: number): boolean {
    return this.pendingUids[below(this.pendingUids, uid)] === uid;
  }

  /** Flags as FETCH reports them, \Recent included. */
  flagsOf(uid: number): string[] {
    const flags = this.flagsOfMail(uid);
    return this.isRecent(uid) ? [...flags, '\\Recent'] : [...flags];
  }

  hasFlag(uid: number, flag: string): boolean {
    if (flag.toLowerCase() === '\\recent') return this.isRecent(uid);
    const wanted = flag.toLowerCase();
    return this.flagsOfMail(uid).some((f) => f.toLowerCase() === wanted);
  }

  /** How many distinct keywords the mailbox would have, as this node knows it, with these flags added. */
  keywordsWith(flags: readonly string[]): number {
    const added = new Set<string>();
    for (const f of flags) if (!f.startsWith('\\') && !this.view.hasKeyword(f)) added.add(f);
    return this.view.keywords.length + added.size;
  }

  /**
   * UIDs the set names, up to the last one assigned, that are no longer in the mailbox (QRESYNC's VANISHED
   * (EARLIER)). No expunge history is kept, so every absent UID counts, also ones never used (a UID COPY
   * target skipped, say): RFC 7162 lets a server report those. Mail gone but not yet announced is left to
   * the announcement.
   */
  vanishedIn(set: SequenceSet): number[] {
    const last = this.version.uidNext - 1;
    const present = new Set(this.all());
    const out: number[] = [];
    const has = matcher(set, last);
    for (let uid = 1; uid <= last; uid++) if (!present.has(uid) && has(uid)) out.push(uid);
    return out;
  }

  /** All UIDs in sequence order, the not yet announced expunged ones included (made on each call). */
  all(): number[] {
    const n = this.visible;
    const out = new Array<number>(n + this.pendingUids.length);
    let i = 0;
    let p = 0;
    for (let k = 0; k < out.length; k++) {
      if (p < this.pendingUids.length && (i >= n || this.pendingUids[p]! < this.view.uidAt(i))) out[k] = this.pendingUids[p++]!;
      else out[k] = this.view.uidAt(i++);
    }
    return out;
  }

  /** The highest UID in the client's view, 0 when empty. */
  get lastUid(): number {
    const n = this.visible;
    const fromView = n > 0 ? this.view.uidAt(n - 1) : 0;
    const fromPending = this.pendingUids.length > 0 ? this.pendingUids[this.pendingUids.length - 1]! : 0;
    return Math.max(fromView, fromPending);
  }

  /**
   * The UIDs a set names, in sequence order. Sequence numbers beyond the mailbox are an error (the
   * client is out of step); UIDs that do not exist are simply not there (RFC 3501 section 6.4.8).
   */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    const uids = this.all();
    // "$" names messages whether the command counts by UID or by sequence number (RFC 5182 2.1).
    if (set === SAVED_RESULT) return uids.filter((uid) => this.savedResult.has(uid) && !(byUid && this.isExpunged(uid)));
    if (byUid) {
      const has = matcher(set, this.lastUid);
      return uids.filter((uid) => has(uid) && !this.isExpunged(uid));
    }
    if (uids.length === 0 || highest(set, uids.length) > uids.length) throw bad('Invalid message sequence number');
    const has = matcher(set, uids.length);
    return uids.filter((_, i) => has(i + 1));
  }

  /** Records flag changes this session made, so the next sync does not report them back. */
  applyChanges(changed: readonly StoredMail[]): void {
    for (const m of changed) {
      if (this.seqOf(m.uid) === 0) continue;
      (this.own ??= new Map()).set(m.uid, m);
      this.view.addKeywords(m.flags);
    }
  }

  /** FLAGS and PERMANENTFLAGS as SELECT sends them, and again whenever a keyword appears. */
  private flagsAnnouncement(): string[] {
    this.keywordsAnnounced = this.view.keywords.length;
    const names = [...SYSTEM_FLAGS, ...this.view.keywords];
    return [`FLAGS (${names.join(' ')})`, this.readOnly ? 'OK [PERMANENTFLAGS ()] No permanent flags in a read-only mailbox' : `OK [PERMANENTFLAGS (${names.join(' ')} \\*)] Flags permitted`];
  }

  /**
   * The FLAGS and PERMANENTFLAGS lines when keywords appeared since the last ones, once. They must reach
   * the client before any FETCH that carries the new keyword (RFC 3501 7.2.6: FLAGS lists what the
   * client may see), so STORE sends them before its FETCH responses.
   */
  takeNewKeywords(): string[] {
    return this.view.keywords.length > this.keywordsAnnounced ? this.flagsAnnouncement() : [];
  }

  /**
   * Catches up with the store and returns the untagged responses that tell the client: new keywords
   * (FLAGS), flag changes (FETCH), removals (EXPUNGE, only when allowed) and new mail (EXISTS, RECENT).
   * With fresh false the shared view is taken as it is (IDLE: the view was just refreshed for everyone).
   */
  async sync(allowExpunge: boolean, fresh = true): Promise<string[]> {
    if (fresh) await this.view.refresh();
    if (this.view.gone) throw new MailboxGoneError();
    // Claim first: after the await the view may have moved on, and everything below reads it at once.
    const arriving = this.view.version.uidNext > this.limit && this.view.lowerBound(this.limit) < this.view.count;
    let firstRecent = arriving && !this.readOnly && !this.imap4rev2 ? await this.store.claimRecent(this.info.id) : Infinity;
    if (this.view.gone) throw new MailboxGoneError();
    const view = this.view;
    const lines = this.takeNewKeywords();
    const fetches: string[] = [];
    const since = this.version.modseq;
    if (view.version.modseq !== since) {
      const end = view.lowerBound(this.limit);
      for (let i = 0; i < end; i++) {
        const modseq = view.modseqAt(i);
        if (modseq <= since) continue;
        const uid = view.uidAt(i);
        // This session's own STORE already said so, unless someone changed the message again since.
        if (this.own?.get(uid)?.modseq === modseq) continue;
        const condstore = this.condstore ? ` MODSEQ (${wireModseq(modseq)})` : '';
        fetches.push(`${this.seqOf(uid)} FETCH (UID ${uid} FLAGS (${this.flagsOfFresh(i, uid).join(' ')})${condstore})`);
      }
    }
    this.own = null;
    if (view.keywords.length > this.keywordsAnnounced) lines.push(...this.flagsAnnouncement());
    lines.push(...fetches);
    const before = this.limit;
    this.limit = view.version.uidNext;
    this.version = view.version;
    const newMail = view.lowerBound(this.limit) > view.lowerBound(before);
    if (newMail && firstRecent < this.limit) {
      firstRecent = Math.max(firstRecent, before);
      this.addRecent(firstRecent, this.limit - 1);
    }
    if (allowExpunge) lines.push(...this.announceExpunges());
    if (newMail) lines.push(`${this.count} EXISTS`, ...(this.imap4rev2 ? [] : [`${this.recentCount()} RECENT`]));
    return lines;
  }

  private flagsOfFresh(i: number, uid: number): string[] {
    const flags = this.view.flagsAt(i);
    return this.isRecent(uid) ? [...flags, '\\Recent'] : [...flags];
  }

  private addRecent(from: number, to: number): void {
    const r = this.recentRanges;
    if (r.length > 0 && r[r.length - 1]! + 1 >= from) r[r.length - 1] = Math.max(r[r.length - 1]!, to);
    else r.push(from, to);
  }

  /** \Recent messages in the client's view. */
  private recentCount(): number {
    let n = 0;
    const r = this.recentRanges;
    const visible = this.visible;
    for (let i = 0; i < r.length; i += 2) {
      const lo = r[i]!;
      const hi = r[i + 1]! + 1;
      n += Math.min(this.view.lowerBound(hi), visible) - Math.min(this.view.lowerBound(lo), visible);
      n += below(this.pendingUids, hi) - below(this.pendingUids, lo);
    }
    return n;
  }

  /** Forgets expunged mail, highest sequence number first so each number is still right when sent. */
  private announceExpunges(): string[] {
    if (this.pendingUids.length === 0) return [];
    const gone = this.pendingUids;
    this.view.letGo(this.pending.map((m) => m.id));
    this.pendingUids = [];
    this.pending = [];
    // \Recent ranges may keep the UIDs: a UID is never used again, and recentCount counts only what is there.
    if (this.qresync) return [vanished(gone, false)!];
    // Each pending UID's number counts the view's messages below it and the pending ones below it.
    const lines: string[] = [];
    for (let p = gone.length - 1; p >= 0; p--) lines.push(`${Math.min(this.view.lowerBound(gone[p]!), this.visible) + p + 1} EXPUNGE`);
    return lines;
  }
}
