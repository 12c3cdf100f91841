import { describe, expect, it } from 'vitest';
import { readScanners } from './scanners';

describe('readScanners', () => {
  it('reads a list with status words', () => {
    expect(readScanners([{ name: 'clamav', status: 'ok', version: 'ClamAV 1.4.6', endpoint: 'tcp://127.0.0.1:3310' }, { name: 'spamassassin', status: 'error', lastError: 'timeout' }])).toEqual([
      { name: 'clamav', state: 'ok', detail: 'ClamAV 1.4.6 · tcp://127.0.0.1:3310' },
      { name: 'spamassassin', state: 'down', detail: 'timeout' },
    ]);
  });

  it('reads an object keyed by name with booleans', () => {
    expect(readScanners({ clamav: { healthy: true }, spamd: { configured: false } })).toEqual([
      { name: 'clamav', state: 'ok', detail: '' },
      { name: 'spamd', state: 'off', detail: '' },
    ]);
  });

  it('takes the first source that has scanners; nothing when none has', () => {
    expect(readScanners(undefined, null, [{ kind: 'clamd', state: 'weird' }])).toEqual([{ name: 'clamd', state: 'unknown', detail: '' }]);
    expect(readScanners(undefined, {}, [])).toEqual([]);
  });
});
