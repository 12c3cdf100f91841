// One registry of open client sessions for every protocol. Listeners open an entry when a client
// connects and close it on every way a session ends; closing twice or closing an unknown id is a no-op,
// so a session can never be counted twice or drift below zero. Metrics and the admin API read it.
//
// It also knows which sessions have not logged in yet, per address and in all, because those are what a
// flood of slow or idle connections consists of (admission.ts limits them), and each entry may carry how
// to end it from outside: a ban closes the banned address's sessions, and a full house of unauthenticated
// sessions makes room by closing the oldest one.
import { LISTENERS, PROTOCOLS, type EventBus, type ListenerName, type Protocol } from '../telemetry/events.ts';

export { LISTENERS, PROTOCOLS };

export interface OpenSession {
  id: string;
  protocol: Protocol;
  /** The listener it came in on: the protocol's name, or its implicit TLS listener (submissions, imaps, pop3s). */
  listener: ListenerName;
  remoteAddress: string;
  openedAt: number;
  /** Logged in (SMTP AUTH, IMAP, POP3). MX sessions never are. */
  authenticated: boolean;
  /** The account it logged in as, when the protocol says (IMAP: imap.max_sessions_per_user). */
  user?: string;
}

/** Why a session is ended from outside. */
export type CloseReason = 'banned' | 'evicted';

/** Ends a session from outside: says why in the protocol's words and closes the connection. */
export type SessionCloser = (reason: CloseReason) => void;

interface AddressCount {
  all: number;
  unauthenticated: number;
}

export class SessionRegistry {
  private readonly open = new Map<string, OpenSession>();
  private readonly closers = new Map<string, SessionCloser>();
  /** Sessions not logged in, oldest first (Map order is insertion order). */
  private readonly unauthenticated = new Map<string, OpenSession>();
  private readonly perAddress = new Map<string, AddressCount>();
  /** Logged-in sessions per protocol and account ("imap:alice@example.test"). */
  private readonly perUser = new Map<string, number>();
  private readonly opened: Record<Protocol, number> = { smtp: 0, submission: 0, pop3: 0, imap: 0 };

  constructor(private readonly events: EventBus) {}

  /** listener: where the session came in, when not the protocol's plaintext listener. */
  add(protocol: Protocol, id: string, remoteAddress: string, close?: SessionCloser, listener: ListenerName = protocol): void {
    const key = `${protocol}:${id}`;
    if (this.open.has(key)) return;
    const session: OpenSession = { id, protocol, listener, remoteAddress, openedAt: Date.now(), authenticated: false };
    this.open.set(key, session);
    this.unauthenticated.set(key, session);
    const count = this.perAddress.get(remoteAddress) ?? { all: 0, unauthenticated: 0 };
    count.all++;
    count.unauthenticated++;
    this.perAddress.set(remoteAddress, count);
    if (close) this.closers.set(key, close);
    this.opened[protocol]++;
    this.events.emit('session.opened', { protocol, id, remoteAddress });
  }

  /** The session logged in: it no longer counts toward the unauthenticated limits; user: it counts for that account. */
  markAuthenticated(protocol: Protocol, id: string, user?: string): void {
    const key = `${protocol}:${id}`;
    const session = this.unauthenticated.get(key);
    if (!session) return;
    this.unauthenticated.delete(key);
    session.authenticated = true;
    if (user !== undefined) {
      session.user = user;
      const userKey = `${protocol}:${user}`;
      this.perUser.set(userKey, (this.perUser.get(userKey) ?? 0) + 1);
    }
    this.perAddress.get(session.remoteAddress)!.unauthenticated--;
  }

  /** Logged-in sessions of this protocol for one account. */
  sessionsOfUser(protocol: Protocol, user: string): number {
    return this.perUser.get(`${protocol}:${user}`) ?? 0;
  }

  remove(protocol: Protocol, id: string): void {
    const key = `${protocol}:${id}`;
    this.closers.delete(key);
    const session = this.open.get(key);
    if (!session) return;
    this.open.delete(key);
    if (session.user !== undefined) {
      const userKey = `${protocol}:${session.user}`;
      const left = (this.perUser.get(userKey) ?? 1) - 1;
      if (left > 0) this.perUser.set(userKey, left);
      else this.perUser.delete(userKey);
    }
    const count = this.perAddress.get(session.remoteAddress)!;
    count.all--;
    if (this.unauthenticated.delete(key)) count.unauthenticated--;
    if (count.all === 0) this.perAddress.delete(session.remoteAddress);
    this.events.emit('session.closed', { protocol, id });
  }

  /**
   * Closes every open session from an address (it was just banned) and returns how many. Each session
   * leaves the registry through its own remove() as its connection ends.
   */
  closeFrom(remoteAddress: string): number {
    let closed = 0;
    for (const [key, session] of this.open) {
      if (session.remoteAddress !== remoteAddress) continue;
      if (this.endFromOutside(key, 'banned')) closed++;
    }
    return closed;
  }

  /** Closes the oldest session that has not logged in (to admit a new one); false when there is none. */
  evictOldestUnauthenticated(): boolean {
    for (const key of this.unauthenticated.keys()) if (this.endFromOutside(key, 'evicted')) return true;
    return false;
  }

  /** Open sessions per protocol, every protocol present (0 when none). */
  counts(): Record<Protocol, number> {
    const counts: Record<Protocol, number> = { smtp: 0, submission: 0, pop3: 0, imap: 0 };
    for (const s of this.open.values()) counts[s.protocol]++;
    return counts;
  }

  /** Open sessions per listener, every listener present (0 when none or not configured). */
  countsByListener(): Record<ListenerName, number> {
    const counts = Object.fromEntries(LISTENERS.map((l) => [l, 0])) as Record<ListenerName, number>;
    for (const s of this.open.values()) counts[s.listener]++;
    return counts;
  }

  openedTotals(): Readonly<Record<Protocol, number>> {
    return this.opened;
  }

  countFrom(remoteAddress: string): number {
    return this.perAddress.get(remoteAddress)?.all ?? 0;
  }

  unauthenticatedFrom(remoteAddress: string): number {
    return this.perAddress.get(remoteAddress)?.unauthenticated ?? 0;
  }

  get unauthenticatedCount(): number {
    return this.unauthenticated.size;
  }

  /** Runs a session's closer once (it is forgotten first, so a second call cannot run it again). */
  private endFromOutside(key: string, reason: CloseReason): boolean {
    const close = this.closers.get(key);
    if (!close) return false;
    this.closers.delete(key);
    close(reason);
    return true;
  }
}
