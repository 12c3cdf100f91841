// Checks of what the server holds: domains and accounts, the queue, disk space, logging level.
import fs from 'node:fs';
import type { Store } from '../store/store.ts';
import type { Warning } from './warning.ts';

export async function directoryWarnings(store: Store): Promise<Warning[]> {
  const domains = await store.listDomains();
  if (domains.length === 0) {
    return [
      {
        id: 'no_local_domain',
        severity: 'high',
        message: 'No local domain is configured: every message to this server is refused.',
        remedy: 'Add the domains this server receives mail for: `mailroom domain add example.com` or POST /api/v1/domains.',
      },
    ];
  }
  if ((await store.listAccounts()).length === 0) {
    return [
      {
        id: 'no_accounts',
        severity: 'medium',
        message: `No accounts exist in ${domains.join(', ')}: mail for these domains can only go to aliases that forward elsewhere.`,
        remedy: 'Add accounts: `mailroom account add user@example.com --password ...` or POST /api/v1/accounts.',
      },
    ];
  }
  return [];
}

export async function queueAgeWarnings(store: Store, now: number, maxAgeSeconds: number): Promise<Warning[]> {
  const oldest = (await store.listQueue({ offset: 0, limit: 1, sort: 'created' }, now)).items[0];
  if (!oldest || now - oldest.createdAt < maxAgeSeconds * 1000) return [];
  const stale = (await store.listQueue({ offset: 0, limit: 1, sort: 'created' }, now)).total;
  const hours = ((now - oldest.createdAt) / 3_600_000).toFixed(1);
  return [
    {
      id: 'queue_messages_old',
      severity: 'medium',
      message: `The delivery queue holds ${stale} message(s); the oldest has waited ${hours} h (last error: ${oldest.lastError ?? 'none yet'}).`,
      remedy: 'Open the Queue page: look at the last errors of deferred messages (DNS, a receiving server refusing, a smarthost down) and fix the cause, or bounce what cannot be delivered.',
    },
  ];
}

export function diskWarnings(dataDir: string, minFreeBytes: number): Warning[] {
  let stats: fs.StatsFs;
  try {
    stats = fs.statfsSync(dataDir);
  } catch (err) {
    return [
      {
        id: 'data_dir_unreadable',
        severity: 'critical',
        message: `The data directory ${dataDir} cannot be examined: ${(err as Error).message}`,
        remedy: 'Check that data_dir exists and is writable by Mailroom.',
      },
    ];
  }
  const free = stats.bavail * stats.bsize;
  if (free >= minFreeBytes) return [];
  return [
    {
      id: 'disk_space_low',
      severity: 'high',
      message: `Only ${(free / 1048576).toFixed(0)} MiB are free on the disk of ${dataDir}; when it fills, mail is refused with 451.`,
      remedy: 'Free disk space or move data_dir to a larger disk.',
    },
  ];
}

export function debugLoggingWarnings(level: string): Warning[] {
  if (level !== 'debug' && level !== 'trace') return [];
  return [
    {
      id: 'debug_logging_on',
      severity: 'low',
      message: `Logging is at level ${level}: logs grow fast and carry more detail than operations need.`,
      remedy: 'Set log.level (MAILROOM_LOG_LEVEL) back to info once troubleshooting is done.',
    },
  ];
}
