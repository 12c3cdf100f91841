// Scanner status (clamd, spamd) for the Server page. The admin API adds it under `scanners` once scanning
// is wired in; until its shape is fixed this reads the forms an API would plausibly use: a list of objects
// with a name, or an object keyed by name; status as a word or as a boolean.

export type ScannerState = 'ok' | 'down' | 'off' | 'unknown';

export interface ScannerView {
  name: string;
  state: ScannerState;
  detail: string;
}

const OK_WORDS = new Set(['ok', 'up', 'healthy', 'ready', 'running', 'reachable', 'connected']);
const DOWN_WORDS = new Set(['down', 'error', 'failed', 'failing', 'unreachable', 'unhealthy']);
const OFF_WORDS = new Set(['off', 'disabled', 'not_configured', 'unconfigured', 'none']);

function stateOf(o: Record<string, unknown>): ScannerState {
  if (o.configured === false || o.enabled === false) return 'off';
  for (const key of ['status', 'state', 'health']) {
    const v = o[key];
    if (typeof v === 'string') {
      const w = v.toLowerCase();
      if (OK_WORDS.has(w)) return 'ok';
      if (DOWN_WORDS.has(w)) return 'down';
      if (OFF_WORDS.has(w)) return 'off';
    }
  }
  for (const key of ['healthy', 'ok', 'reachable', 'up']) {
    const v = o[key];
    if (typeof v === 'boolean') return v ? 'ok' : 'down';
  }
  return 'unknown';
}

function detailOf(o: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['version', 'endpoint', 'address', 'url', 'lastError', 'error', 'message']) {
    const v = o[key];
    if (typeof v === 'string' && v) parts.push(v);
  }
  return parts.join(' · ');
}

export function readScanners(...sources: unknown[]): ScannerView[] {
  for (const source of sources) {
    if (!source || typeof source !== 'object') continue;
    const entries: Array<[string, unknown]> = Array.isArray(source)
      ? source.map((o, i) => [String((o as Record<string, unknown>)?.name ?? (o as Record<string, unknown>)?.kind ?? `scanner ${i + 1}`), o])
      : Object.entries(source as Record<string, unknown>);
    const views = entries
      .filter(([, o]) => o && typeof o === 'object')
      .map(([name, o]) => ({ name, state: stateOf(o as Record<string, unknown>), detail: detailOf(o as Record<string, unknown>) }));
    if (views.length > 0) return views;
  }
  return [];
}
