// One registry of open client sessions for every protocol. Listeners open an entry when a client
// connects and close it on every way a session ends; closing twice or closing an unknown id is a no-op,
// so a session can never be counted twice or drift below zero. Metrics and the admin API read it.
import type { EventBus, Protocol } from '../telemetry/events.ts';

export const PROTOCOLS: readonly Protocol[] = ['smtp', 'submission', 'pop3', 'imap'];

export interface OpenSession {
  id: string;
  protocol: Protocol;
  remoteAddress: string;
  openedAt: number;
}

export class SessionRegistry {
  private readonly open = new Map<string, OpenSession>();
  private readonly opened: Record<Protocol, number> = { smtp: 0, submission: 0, pop3: 0, imap: 0 };

  constructor(private readonly events: EventBus) {}

  add(protocol: Protocol, id: string, remoteAddress: string): void {
    const key = `${protocol}:${id}`;
    if (this.open.has(key)) return;
    this.open.set(key, { id, protocol, remoteAddress, openedAt: Date.now() });
    this.opened[protocol]++;
    this.events.emit('session.opened', { protocol, id, remoteAddress });
  }

  remove(protocol: Protocol, id: string): void {
    if (this.open.delete(`${protocol}:${id}`)) this.events.emit('session.closed', { protocol, id });
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
