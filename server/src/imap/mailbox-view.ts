// One mailbox as this node knows it, shared by every session that has it selected (mailbox-views.ts
// counts them): UIDs, flags, modseqs, sizes and dates in typed arrays, one slot per message, so 1,000
// sessions on a 5,000-message INBOX hold one copy instead of 1,000. What RFC 3501/9051 make per session
// (sequence numbers, \Recent, what was reported) is in selected-mailbox.ts, as a delta against this view.
//
// The view follows the store by its change counters (uid_next, modseq): a refresh reads them (one row)
// and, when they moved, the mail list. Refreshes run one at a time, so every session sees the arrays
// replaced at once, never half rebuilt.
import type { MailboxStore, MailboxVersion, MailColumns } from '../store/mailbox-store.ts';
import type { StoredMail } from '../store/types.ts';

export type ViewStore = Pick<MailboxStore, 'mailboxVersion' | 'listMailColumns'>;

/** A session on the view: told synchronously of removals, so its sequence numbers never shift unannounced. */
export interface ViewMember {
  /**
   * Mail gone from the store, with what was known of it (SEARCH still matches it until EXPUNGE is sent).
   * Returns the store ids of the messages the member keeps listing; it gives them up with letGo.
   */
  removed(mail: readonly StoredMail[]): number[];
}

/** How long a message being expunged is kept if its removal is never seen (a failed expunge). */
const DEPARTING_UNSEEN_MS = 60_000;
/** Most bytes of whole departing messages a view keeps; past it, only their headers. */
const DEPARTING_CONTENT_MAX_BYTES = 32 * 1024 * 1024;

/** A message being expunged, as kept for the sessions that still list it: its header, and small ones whole. */
export interface DepartingMail {
  header: Buffer;
  content: Buffer | null;
}

const EMPTY_U32 = new Uint32Array(0);
const EMPTY_F64 = new Float64Array(0);

export class MailboxView {
  /** Ascending UIDs; slot i of every other array describes uids[i]. */
  private uids: Uint32Array = EMPTY_U32;
  private ids: Float64Array = EMPTY_F64;
  private modseqs: Float64Array = EMPTY_F64;
  private sizes: Float64Array = EMPTY_F64;
  private dates: Float64Array = EMPTY_F64;
  /** Index into flagLists: most messages share a handful of flag combinations. */
  private flagIds: Uint32Array = EMPTY_U32;
  private readonly flagLists: (readonly string[])[] = [];
  private readonly flagListIndex = new Map<string, number>();
  /** Every keyword seen in the mailbox, in the order first seen; only grows (FLAGS never shrinks either). */
  readonly keywords: string[] = [];
  private readonly keywordSet = new Set<string>();
  version: MailboxVersion = { uidNext: 1, modseq: 0 };
  /** The mailbox was deleted: every session on it is told at its next sync. */
  gone = false;
  /** Whether the first read has run: until then the view holds nothing. */
  loaded = false;
  private readonly members = new Set<ViewMember>();
  private readonly listeners = new Set<() => void>();
  /**
   * Messages expunged through this node, handed over by the expunging session before the store deletes
   * them (keepDeparting; commands/message-sources.ts): a session that still lists such a message may
   * SEARCH, SORT or THREAD over it until it has announced the EXPUNGE, and the store no longer has it.
   * Kept while some member still lists the message (holders, counted once the removal is seen), by store id.
   */
  private readonly departing = new Map<number, DepartingMail & { holders: number; since: number; seen: boolean }>();
  private departingContentBytes = 0;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    readonly mailboxId: number,
    private readonly store: ViewStore,
  ) {}

  get count(): number {
    return this.uids.length;
  }

  uidAt(i: number): number {
    return this.uids[i]!;
  }

  /** The slot of uid, or -1. */
  indexOf(uid: number): number {
    const i = this.lowerBound(uid);
    return i < this.uids.length && this.uids[i] === uid ? i : -1;
  }

  /** How many UIDs are below uid. */
  lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uids[mid]! < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  modseqAt(i: number): number {
    return this.modseqs[i]!;
  }

  flagsAt(i: number): readonly string[] {
    return this.flagLists[this.flagIds[i]!]!;
  }

  /** The message in slot i as the store's type; made on demand, the view keeps no objects per message. */
  mailAt(i: number): StoredMail {
    return {
      id: this.ids[i]!,
      mailboxId: this.mailboxId,
      uid: this.uids[i]!,
      flags: this.flagsAt(i) as string[],
      internalDate: this.dates[i]!,
      size: this.sizes[i]!,
      modseq: this.modseqs[i]!,
    };
  }

  /** Keywords a session's own STORE added: the view would learn them at its next refresh anyway. */
  addKeywords(flags: readonly string[]): void {
    for (const f of flags) {
      if (f.startsWith('\\') || this.keywordSet.has(f)) continue;
      this.keywordSet.add(f);
      this.keywords.push(f);
    }
  }

  hasKeyword(flag: string): boolean {
    return this.keywordSet.has(flag);
  }

  /** Sessions on the view. */
  get memberCount(): number {
    return this.members.size;
  }

  /** Keeps messages about to be expunged for the sessions that will still list them (whole within the budget). */
  keepDeparting(mail: ReadonlyMap<number, DepartingMail>, now = Date.now()): void {
    for (const [id, { header, content }] of mail) {
      if (this.departing.has(id)) continue;
      const whole = content !== null && this.departingContentBytes + content.length <= DEPARTING_CONTENT_MAX_BYTES ? content : null;
      this.departingContentBytes += whole?.length ?? 0;
      this.departing.set(id, { header, content: whole, holders: 0, since: now, seen: false });
    }
  }

  /** Whether the view lists this store id (a scan: asked only about messages kept as departing). */
  holdsId(id: number): boolean {
    return this.ids.includes(id);
  }

  /** A message expunged through this node that some session still lists, as kept. */
  departed(id: number): DepartingMail | undefined {
    return this.departing.get(id);
  }

  /** A member no longer lists these messages (it announced their EXPUNGE, or left). */
  letGo(ids: readonly number[]): void {
    for (const id of ids) {
      const entry = this.departing.get(id);
      if (entry && --entry.holders <= 0) this.forget(id);
    }
  }

  private forget(id: number): void {
    this.departingContentBytes -= this.departing.get(id)?.content?.length ?? 0;
    this.departing.delete(id);
  }

  /** Departing messages kept for sessions that still list them (tests). */
  get departingCount(): number {
    return this.departing.size;
  }

  join(member: ViewMember): void {
    this.members.add(member);
  }

  leave(member: ViewMember): void {
    this.members.delete(member);
  }

  /** Called after every refresh that found a change (IDLE sessions listen); returns the unsubscribe. */
  listen(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  get listening(): number {
    return this.listeners.size;
  }

  /**
   * Catches up with the store. A caller that arrives while a refresh runs waits for one that starts
   * after it (that one may have read the counters before the caller's own write); callers arriving
   * meanwhile share that next one.
   */
  refresh(): Promise<void> {
    if (!this.running) {
      this.running = this.read().finally(() => (this.running = null));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.refresh();
      });
    return this.queued;
  }

  private async read(): Promise<void> {
    if (this.gone) return;
    const v = await this.store.mailboxVersion(this.mailboxId);
    if (!v) {
      this.gone = true;
      this.notify();
      return;
    }
    if (this.loaded && v.uidNext === this.version.uidNext && v.modseq === this.version.modseq) return;
    // Any change but pure arrivals may have touched any message (flags, expunges): read the whole list.
    // Arrivals alone move uid_next and modseq by as much as they add; telling them apart needs a store
    // change log this store does not keep, so the whole list it is.
    this.replace(await this.store.listMailColumns(this.mailboxId), v);
    this.notify();
  }

  private replace(columns: MailColumns, v: MailboxVersion): void {
    const { uids, ids, modseqs, sizes, internalDates: dates } = columns;
    const n = uids.length;
    const flagIds = new Uint32Array(n);
    for (let i = 0; i < n; i++) flagIds[i] = this.intern(columns.flags[i]!);
    const removed: StoredMail[] = [];
    // Both lists ascend: one merge walk finds the UIDs that left.
    for (let i = 0, j = 0; i < this.uids.length; i++) {
      const uid = this.uids[i]!;
      while (j < n && uids[j]! < uid) j++;
      if (j >= n || uids[j] !== uid) removed.push(this.mailAt(i));
    }
    this.uids = uids;
    this.ids = ids;
    this.modseqs = modseqs;
    this.sizes = sizes;
    this.dates = dates;
    this.flagIds = flagIds;
    this.version = v;
    this.loaded = true;
    if (removed.length > 0)
      for (const m of this.members)
        for (const id of m.removed(removed)) {
          const entry = this.departing.get(id);
          if (entry) entry.holders++;
        }
    if (this.departing.size > 0) this.settleDeparting(removed);
  }

  /**
   * Drops kept headers nobody needs: removed just now with no member listing them, or gone without this
   * view ever having listed the message. Those whose removal was seen before wait for letGo; one whose
   * message is still listed stays (its removal is still to come) unless that expunge evidently failed.
   */
  private settleDeparting(removed: readonly StoredMail[]): void {
    const justRemoved = new Set(removed.map((m) => m.id));
    const present = new Set(this.ids);
    const now = Date.now();
    for (const [id, entry] of this.departing) {
      if (entry.seen) continue;
      if (justRemoved.has(id)) entry.seen = true;
      const keep = entry.seen ? entry.holders > 0 : present.has(id) && now - entry.since < DEPARTING_UNSEEN_MS;
      if (!keep) this.forget(id);
    }
  }

  /** The flag list of a stored flags string ('\\Seen $Junk'), split once per distinct string. */
  private intern(stored: string): number {
    let id = this.flagListIndex.get(stored);
    if (id === undefined) {
      const flags = stored === '' ? [] : stored.split(' ');
      id = this.flagLists.length;
      this.flagLists.push(Object.freeze(flags));
      this.flagListIndex.set(stored, id);
      this.addKeywords(flags);
    }
    return id;
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
