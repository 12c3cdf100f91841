// Scanner status (clamd, spamd) for the Server page, from `GET /api/v1/server`'s `scanners`: one row per
// configured daemon. An open circuit counts as down even if the last check answered: scans do not ask the
// daemon and apply scan.unavailable_action until a probe gets an answer, which is what an operator must see.
import type { ScannerHealth } from '../api/types';
import { formatDateTime } from './format';

export type ScannerState = 'ok' | 'down' | 'unknown';

export interface ScannerView {
  name: string;
  state: ScannerState;
  detail: string;
}

function stateOf(h: ScannerHealth): ScannerState {
  if (h.circuit === 'open' || h.reachable === false) return 'down';
  return h.reachable ? 'ok' : 'unknown';
}

function detailOf(h: ScannerHealth): string {
  const parts = [h.version, h.address];
  if (h.circuit === 'open') parts.push(`circuit open${h.circuitOpenedAt ? ` since ${formatDateTime(h.circuitOpenedAt)}` : ''}`);
  if (h.lastError) parts.push(`last error${h.lastErrorAt ? ` at ${formatDateTime(h.lastErrorAt)}` : ''}: ${h.lastError}`);
  return parts.filter((p): p is string => Boolean(p)).join(' · ');
}

export function readScanners(scanners: readonly ScannerHealth[]): ScannerView[] {
  return scanners.map((h) => ({ name: h.scanner, state: stateOf(h), detail: detailOf(h) }));
}
