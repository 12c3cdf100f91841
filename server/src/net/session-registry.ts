// One registry of open client sessions for every protocol. Listeners open an entry when a client
// connects and close it on every way a session ends; closing twice or closing an unknown id is a no-op,
// so a session can never be counted twice or drift below zero. Metrics and the admin API read it. Each
// entry may carry how to end it, so a ban can close the banned address's sessions already open.
import { PROTOCOLS, type EventBus, type Protocol } from '../telemetry/events.ts';

export { PROTOCOLS };

export interface OpenSession {
  id: string;
  protocol: Protocol;
  remoteAddress: string;
  openedAt: number;
}

/** Ends a session from outside (a ban): says why in the protocol's words and closes the connection. */
export type SessionCloser = () => void;

export class SessionRegistry {
  private readonly open = new Map<string, OpenSession>();
  private readonly closers = new Map<string, SessionCloser>();
  private readonly opened: Record<Protocol, number> = { smtp: 0, submission: 0, pop3: 0, imap: 0 };

  constructor(private readonly events: EventBus) {}

  add(protocol: Protocol, id: string, remoteAddress: string, close?: SessionCloser): void {
    const key = `${protocol}:${id}`;
    if (this.open.has(key)) return;
    this.open.set(key, { id, protocol, remoteAddress, openedAt: Date.now() });
    if (close) this.closers.set(key, close);
    this.opened[protocol]++;
    this.events.emit('session.opened', { protocol, id, remoteAddress });
  }

  remove(protocol: Protocol, id: string): void {
    const key = `${protocol}:${id}`;
    this.closers.delete(key);
    if (this.open.delete(key)) this.events.emit('session.closed', { protocol, id });
  }

  /**
   * Closes every open session from an address (it was just banned) and returns how many. Each session
   * leaves the registry through its own remove() as its connection ends.
   */
  closeFrom(remoteAddress: string): number {
    let closed = 0;
    for (const [key, session] of this.open) {
      if (session.remoteAddress !== remoteAddress) continue;
      const close = this.closers.get(key);
      if (!close) continue;
      this.closers.delete(key);
      close();
      closed++;
    }
    return closed;
  }

  /** Open sessions per protocol, every protocol present (0 when none). */
  counts(): Record<Protocol, number> {
    const counts: Record<Protocol, number> = { smtp: 0, submission: 0, pop3: 0, imap: 0 };
    for (const s of this.open.values()) counts[s.protocol]++;
    return counts;
  }

  openedTotals(): Readonly<Record<Protocol, number>> {
    return this.opened;
  }

  countFrom(remoteAddress: string): number {
    let n = 0;
    for (const s of this.open.values()) if (s.remoteAddress === remoteAddress) n++;
    return n;
  }
}
