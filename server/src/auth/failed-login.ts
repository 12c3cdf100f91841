// What every failed IMAP or POP3 login does: report it (metrics and auto-ban listen to 'auth.failed'),
// wait auth.failure_delay_ms before the client hears about it, which makes guessing on one connection
// slow, and tell the caller whether the address is now banned, so the session can end at once instead
// of offering another try.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import type { EventBus, Protocol } from '../telemetry/events.ts';

export interface FailedLoginDeps {
  config: Config;
  events: EventBus;
  bans?: BanList | undefined;
}

/** Resolves after the delay with true when the address is banned (now or by this very failure). */
export async function failedLogin(deps: FailedLoginDeps, protocol: Protocol, remoteAddress: string): Promise<boolean> {
  deps.events.emit('auth.failed', { protocol, remoteAddress });
  const delayMs = deps.config['auth.failure_delay_ms'];
  if (delayMs > 0) await sleep(delayMs);
  return deps.bans?.isBanned(remoteAddress) ?? false;
}
