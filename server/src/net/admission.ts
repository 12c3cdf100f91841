// Who may open a session at all, decided at connect before a byte is read: a banned address is refused,
// and so is an address that already has limits.max_sessions_per_ip sessions open (any protocol). Used by
// the IMAP and POP3 listeners; SMTP asks the same questions in its onConnect hook.
import type net from 'node:net';
import { canonicalIp } from '../bans/address.ts';
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import type { SessionRegistry } from './session-registry.ts';

export type Refusal = 'banned' | 'too_many_sessions';

export interface AdmissionDeps {
  config: Config;
  sessions: SessionRegistry;
  /** Absent: nothing is banned (a listener built without the service's ban list). */
  bans?: BanList | undefined;
}

export function refusalFor(deps: AdmissionDeps, remoteAddress: string): Refusal | null {
  if (deps.bans?.isBanned(remoteAddress)) return 'banned';
  if (deps.sessions.countFrom(remoteAddress) >= deps.config['limits.max_sessions_per_ip']) return 'too_many_sessions';
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
