// Who may open a session at all, decided at connect before a byte is read: a banned address is refused,
// and so is an address that already has limits.max_sessions_per_ip sessions open (any protocol). Used by
// the IMAP and POP3 listeners (protocol-listener.ts); SMTP asks the same questions in its onConnect hook.
import type net from 'node:net';
import { canonicalIp } from '../util/ip-address.ts';
import type { Config } from '../config/settings.ts';
import type { SessionRegistry } from './session-registry.ts';

export type Refusal = 'banned' | 'too_many_sessions';

/** Answers whether an address is banned now (the service's Authenticator does). */
export interface AddressGate {
  isBanned(remoteAddress: string): boolean;
}

export interface AdmissionDeps {
  config: Config;
  sessions: SessionRegistry;
  /** Absent: nothing is banned (a listener built without the service's bans, in tests). */
  gate?: AddressGate | undefined;
}

export function refusalFor(deps: AdmissionDeps, remoteAddress: string): Refusal | null {
  if (deps.gate?.isBanned(remoteAddress)) return 'banned';
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
