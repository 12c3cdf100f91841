// TLS handshakes counted for mailroom_tls_handshakes_total{listener, version, result}: the inbound
// listeners (STARTTLS and implicit TLS) and outbound delivery (`outbound`). One tally for the process,
// read by the metric at scrape time (as dns/stats.ts is), so the protocol code and the delivery code
// only call countTlsHandshake and need no event bus where the handshake happens.
import { LISTENERS, type ListenerName } from './events.ts';

export const TLS_LISTENERS = [...LISTENERS, 'outbound'] as const;
export type TlsListener = ListenerName | 'outbound';
/** Negotiated versions with their own label; anything else counts as `other`, a failed handshake as `none`. */
export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3', 'other', 'none'] as const;
export const TLS_RESULTS = ['ok', 'failed'] as const;

const counts = new Map<string, number>();

export function countTlsHandshake(listener: TlsListener, version: string | null | undefined, ok: boolean): void {
  const label = !ok || !version ? 'none' : (TLS_VERSIONS as readonly string[]).includes(version) ? version : 'other';
  const key = `${listener} ${label} ${ok ? 'ok' : 'failed'}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Every listener with the usual pairs (TLSv1.2 and TLSv1.3 ok, none failed) at zero, and whatever else was seen. */
export function tlsHandshakeCounts(): Array<{ listener: string; version: string; result: string; count: number }> {
  const keys = new Set(counts.keys());
  for (const listener of TLS_LISTENERS) for (const k of ['TLSv1.2 ok', 'TLSv1.3 ok', 'none failed']) keys.add(`${listener} ${k}`);
  return [...keys].map((key) => {
    const [listener, version, result] = key.split(' ') as [string, string, string];
    return { listener, version, result, count: counts.get(key) ?? 0 };
  });
}
