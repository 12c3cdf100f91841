// The one login check every protocol uses (SMTP AUTH, IMAP LOGIN and AUTHENTICATE, POP3 USER/PASS and
// AUTH): the password check that costs the same for an unknown user as for a wrong password
// (credentials.ts), and what a failure does (failed-login.ts: the event auto-ban counts, the delay, and
// whether the address is banned now). Bans are asked through here too, so no listener reaches for a
// module-wide ban list.
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import type { DirectoryStore } from '../store/store.ts';
import type { Account } from '../store/types.ts';
import type { EventBus, Protocol } from '../telemetry/events.ts';
import { checkCredentials } from './credentials.ts';
import { failedLogin } from './failed-login.ts';
import { FailureDelays } from './failure-delays.ts';
import { LoginCache } from './login-cache.ts';

export interface AuthenticatorDeps {
  config: Config;
  store: Pick<DirectoryStore, 'findAccount'>;
  events: EventBus;
  /** The service's bans; absent (some tests): nobody is banned. */
  bans?: BanList | undefined;
}

export type LoginResult = { ok: true; account: Account } | { ok: false; banned: boolean };

export class Authenticator {
  private readonly delays: FailureDelays;
  /** Recent successful logins (auth.cache_ttl_seconds), per process; see login-cache.ts. */
  readonly cache = new LoginCache();

  constructor(private readonly deps: AuthenticatorDeps) {
    const { config } = deps;
    this.delays = new FailureDelays({
      baseMs: config['auth.failure_delay_ms'],
      maxMs: Math.max(config['auth.failure_delay_ms'], config['auth.failure_delay_max_ms']),
      windowMs: config['auth.ban_window_seconds'] * 1000,
    });
  }

  /** Failed logins one session may make before it is closed (every protocol). */
  get maxFailuresPerSession(): number {
    return this.deps.config['auth.max_failures_per_session'];
  }

  /** Whether a client address is refused now (at connect, and again after each failed login). */
  isBanned(remoteAddress: string): boolean {
    return this.deps.bans?.isBanned(remoteAddress) ?? false;
  }

  /**
   * Checks a user name and password. A failure resolves only after auth.failure_delay_ms, and says
   * whether the address is banned now (possibly by this very failure), so the session can end at once.
   */
  async login(protocol: Protocol, remoteAddress: string, user: string, password: string): Promise<LoginResult> {
    // A banned address gets no shortcut: it is refused at connect, and checked in full if it gets this far.
    const ttlSeconds = this.isBanned(remoteAddress) ? 0 : this.deps.config['auth.cache_ttl_seconds'];
    const account = await checkCredentials(this.deps.store, user, password, { cache: this.cache, ttlSeconds });
    if (account) return { ok: true, account };
    return { ok: false, banned: await failedLogin({ ...this.deps, delays: this.delays }, protocol, remoteAddress) };
  }
}
