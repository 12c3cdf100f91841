// `kill -HUP` (what `systemctl reload` sends) and POST /api/v1/server/reload: the configuration read again
// (the YAML file and the environment, as at start, through the same checks: a bad file is refused with the
// message a start would give, and the running settings stay). A changed setting is applied only where the
// running code reads it at the time of use, so the new value takes effect with no half-applied state: the
// settings below. Every other change is reported as needing a restart and is not applied, so what runs is
// always one consistent configuration (the file says more than what runs until then; the log says so).
import type { Config, SettingKey } from './settings.ts';
import { SETTINGS } from './settings.ts';

/**
 * Settings the running server reads at each use (a connection, a command, a message, a delivery attempt),
 * checked one by one where they are read; `log.level` is set on the logger by the caller.
 */
export const RELOADABLE: ReadonlySet<SettingKey> = new Set<SettingKey>([
  // delivery/scheduler.ts and delivery/remote.ts, at each pump and each attempt
  'delivery.concurrency',
  'delivery.connections_per_domain',
  'delivery.retry_schedule_seconds',
  'delivery.expiry_seconds',
  'delivery.poll_interval_ms',
  'delivery.connect_timeout_seconds',
  'delivery.smtp_timeout_seconds',
  // delivery/history-pruner.ts, at each hourly run
  'delivery.history_days',
  'relay',
  'relay_security',
  'relay_username',
  'relay_password',
  // smtp/listener.ts, at each RCPT or message
  'smtp.max_recipients',
  'smtp.max_unknown_recipients',
  'submission.rate_per_hour',
  'submission.from_policy',
  'dkim.enabled',
  'scan.authenticated',
  'delivery.recipient_delimiter',
  'delivery.file_by_tag',
  // net/admission.ts, at each connection
  'limits.max_sessions_per_ip',
  'limits.max_unauthenticated_per_ip',
  'limits.max_unauthenticated',
  'log.level',
]);

export interface SettingChange {
  key: SettingKey;
  from: unknown;
  to: unknown;
}

export interface ReloadResult {
  /** Changed and now in effect. */
  applied: SettingChange[];
  /** Changed in the file (or environment) but not applied: they take a restart of the process. */
  restartNeeded: SettingChange[];
}

const shown = (key: SettingKey, value: unknown): unknown => ('secret' in SETTINGS[key] && SETTINGS[key].secret ? '(hidden)' : value);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Applies the reloadable changes of `next` to `running` in place (every part of the server shares that object). */
export function applyReload(running: Config, next: Config): ReloadResult {
  const result: ReloadResult = { applied: [], restartNeeded: [] };
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    if (same(running[key], next[key])) continue;
    const change = { key, from: shown(key, running[key]), to: shown(key, next[key]) };
    if (RELOADABLE.has(key)) {
      (running as Record<string, unknown>)[key] = next[key];
      result.applied.push(change);
    } else {
      result.restartNeeded.push(change);
    }
  }
  return result;
}
