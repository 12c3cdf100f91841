// What every failed login does, whatever the protocol: report it (metrics and auto-ban listen to
// 'auth.failed'), wait before the client hears about it (failure-delays.ts: longer with each failure
// from the same address), which makes guessing slow, and tell the caller whether the address is now
// banned, so the session can end at once instead of offering another try.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BanList } from '../bans/ban-list.ts';
import type { EventBus, Protocol } from '../telemetry/events.ts';
import type { FailureDelays } from './failure-delays.ts';

export interface FailedLoginDeps {
  events: EventBus;
  delays: FailureDelays;
  bans?: BanList | undefined;
}

/** Resolves after the delay with true when the address is banned (now or by this very failure). */
export async function failedLogin(deps: FailedLoginDeps, protocol: Protocol, remoteAddress: string): Promise<boolean> {
  deps.events.emit('auth.failed', { protocol, remoteAddress });
  const delayMs = deps.delays.next(remoteAddress);
  if (delayMs > 0) await sleep(delayMs);
  return deps.bans?.isBanned(remoteAddress) ?? false;
}
