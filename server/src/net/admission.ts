// Who may open a session at all, decided at connect before a byte is read: a banned address is refused,
// and so is an address that already has limits.max_sessions_per_ip sessions open (any protocol), or
// limits.max_unauthenticated_per_ip that have not logged in. When limits.max_unauthenticated sessions are
// waiting to log in, the oldest is closed to make room: a flood of slow or idle connections from many
// addresses then recycles itself instead of keeping honest clients out. Used by the IMAP and POP3
// listeners (protocol-listener.ts); SMTP asks the same questions in its onConnect hook.
import type net from 'node:net';
import { canonicalIp } from '../util/ip-address.ts';
import type { Config } from '../config/settings.ts';
import type { EventBus, Protocol } from '../telemetry/events.ts';
import type { SessionRegistry } from './session-registry.ts';

export type Refusal = 'banned' | 'too_many_sessions' | 'too_many_unauthenticated';

/** Answers whether an address is banned now (the service's Authenticator does). */
export interface AddressGate {
  isBanned(remoteAddress: string): boolean;
}

export interface AdmissionDeps {
  config: Config;
  sessions: SessionRegistry;
  /** Absent: nothing is banned (a listener built without the service's bans, in tests). */
  gate?: AddressGate | undefined;
  /** Where limit hits are reported (mailroom_connection_limit_hits_total). */
  events?: EventBus | undefined;
}

/** Null: admit (possibly after closing the oldest unauthenticated session to make room). */
export function refusalFor(deps: AdmissionDeps, protocol: Protocol, remoteAddress: string): Refusal | null {
  const { config, sessions, events } = deps;
  if (deps.gate?.isBanned(remoteAddress)) return 'banned';
  if (sessions.countFrom(remoteAddress) >= config['limits.max_sessions_per_ip']) {
    events?.emit('limit.hit', { protocol, limit: 'sessions_per_ip' });
    return 'too_many_sessions';
  }
  if (sessions.unauthenticatedFrom(remoteAddress) >= config['limits.max_unauthenticated_per_ip']) {
    events?.emit('limit.hit', { protocol, limit: 'unauthenticated_per_ip' });
    return 'too_many_unauthenticated';
  }
  if (sessions.unauthenticatedCount >= config['limits.max_unauthenticated'] && sessions.evictOldestUnauthenticated()) {
    events?.emit('limit.hit', { protocol, limit: 'unauthenticated_evicted' });
  }
  return null;
}

/**
 * The client's address as sessions record it: IPv4-mapped IPv6 written as IPv4, as smtp-server does, so
 * that sessions per address count the same client once across protocols on a dual-stack listener.
 */
export function clientAddress(socket: net.Socket): string {
  const raw = socket.remoteAddress ?? '';
  return canonicalIp(raw) ?? raw;
}
