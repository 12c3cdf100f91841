import { describe, expect, it } from 'vitest';
import { readScanners } from './scanners';
import { formatDateTime } from './format';
import { scannerHealth } from '../test/fixtures';

describe('readScanners', () => {
  it('shows a reachable daemon as OK with its version and address', () => {
    expect(readScanners([scannerHealth()])).toEqual([{ name: 'clamd', state: 'ok', detail: 'ClamAV 1.4.6/27470 · 127.0.0.1:3310' }]);
  });

  it('shows an open circuit as down even when the last check answered, with when it opened and the last error', () => {
    const at = '2025-11-28T10:00:00.000Z';
    const [view] = readScanners([scannerHealth({ scanner: 'spamd', address: '127.0.0.1:783', version: null, circuit: 'open', circuitOpenedAt: at, lastError: 'timeout', lastErrorAt: at })]);
    expect(view).toEqual({ name: 'spamd', state: 'down', detail: `127.0.0.1:783 · circuit open since ${formatDateTime(at)} · last error at ${formatDateTime(at)}: timeout` });
  });

  it('tells unreachable from not checked yet; no daemons configured is no rows', () => {
    expect(readScanners([scannerHealth({ reachable: false }), scannerHealth({ reachable: null, version: null })]).map((v) => v.state)).toEqual(['down', 'unknown']);
    expect(readScanners([])).toEqual([]);
  });
});
