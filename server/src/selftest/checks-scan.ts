// The virus and spam scanners: a configured daemon that does not answer means mail is going through
// unscanned (scan.unavailable_action = accept) or being deferred (tempfail). Asks each daemon now (clamd
// VERSION, spamd PING) rather than trusting the last scan, so the warning clears as soon as it is back.
import type { ScannerHealth } from '../scan/health.ts';
import type { Warning } from './warning.ts';

export interface ScannerProbe {
  /** Asks every configured daemon; never throws. */
  checkHealth(timeoutMs?: number): Promise<ScannerHealth[]>;
}

const WHAT = { clamd: 'virus', spamd: 'spam' } as const;
const PROBE_TIMEOUT_MS = 3_000;

export function scannerWarnings(scanner: ScannerProbe, unavailableAction: 'accept' | 'tempfail'): () => Promise<Warning[]> {
  return async () => {
    const health = await scanner.checkHealth(PROBE_TIMEOUT_MS);
    return health
      .filter((h) => h.reachable === false)
      .map((h) => ({
        id: `${h.scanner}_unreachable`,
        severity: 'high' as const,
        message:
          `${h.scanner} at ${h.address} is not answering${h.lastError ? ` (${h.lastError})` : ''}: ` +
          (unavailableAction === 'accept' ? `mail is accepted without a ${WHAT[h.scanner]} check.` : 'mail is deferred with 451 4.7.1 until it answers.'),
        remedy: `Start ${h.scanner} or correct the \`${h.scanner}\` setting; scanning resumes on its own once it answers. mailroom_scan_errors_total{scanner="${h.scanner}"} counts the checks missed meanwhile.`,
      }));
  };
}
