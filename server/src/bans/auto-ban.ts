// Auto-ban (hMailServer's "auto-ban"): counts failed logins per client address over a sliding window,
// from every protocol (the 'auth.failed' event that SMTP, IMAP and POP3 emit), and bans the address once
// the count reaches auth.ban_failures. The counts are kept in memory only: a restart forgives failures,
// never bans (those are in the store).
import type { Config } from '../config/settings.ts';
import type { EventBus, MailroomEvents } from '../telemetry/events.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { canonicalIp, isLoopbackIp } from '../util/ip-address.ts';
import type { BanList } from './ban-list.ts';

export interface AutoBanSettings {
  /** Failures that trigger a ban; 0 turns auto-ban off. */
  failures: number;
  windowSeconds: number;
  durationSeconds: number;
  loopback: boolean;
}

export const autoBanSettings = (config: Config): AutoBanSettings => ({
  failures: config['auth.ban_failures'],
  windowSeconds: config['auth.ban_window_seconds'],
  durationSeconds: config['auth.ban_duration_seconds'],
  loopback: config['auth.ban_loopback'],
});

/** Addresses whose failures are tracked at once; beyond it the least recently failing is forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

export class AutoBan {
  /** Failure times per address, oldest first; Map order is least recently failing first. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly events: EventBus,
    private readonly bans: BanList,
    private readonly settings: AutoBanSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.settings.failures > 0) {
      this.events.on('auth.failed', this.onFailure);
      // Probing for addresses is an attack like guessing passwords: it counts the same.
      this.events.on('smtp.harvesting', this.onFailure);
    }
  }

  stop(): void {
    this.events.off('auth.failed', this.onFailure);
    this.events.off('smtp.harvesting', this.onFailure);
    this.failures.clear();
  }

  /** Records one failure; true when it banned the address. Synchronous up to the ban itself. */
  record(remoteAddress: string, now = Date.now()): boolean {
    const address = canonicalIp(remoteAddress);
    if (address === null || (isLoopbackIp(address) && !this.settings.loopback)) return false;
    if (this.bans.isBanned(address, now)) return false;
    const since = now - this.settings.windowSeconds * 1000;
    const times = (this.failures.get(address) ?? []).filter((t) => t > since);
    times.push(now);
    this.failures.delete(address);
    if (times.length < this.settings.failures) {
      this.failures.set(address, times);
      if (this.failures.size > MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
      return false;
    }
    this.log.warn({ remote: address, failures: times.length, windowSeconds: this.settings.windowSeconds, banSeconds: this.settings.durationSeconds }, 'address banned after repeated failed logins');
    this.bans.ban(address, 'auto', this.settings.durationSeconds, now).catch((err: Error) => this.log.error({ err: err.message, remote: address }, 'storing a ban failed'));
    return true;
  }

  private readonly onFailure = ({ remoteAddress }: MailroomEvents['auth.failed' | 'smtp.harvesting'][0]): void => {
    this.record(remoteAddress);
  };
}
