// Only names Loki accepts, only values that say something, and level always first.
import { describe, expect, it } from 'vitest';
import { metadataPairs } from './metadata.ts';

describe('metadataPairs', () => {
  it('puts level first and keeps valid names with values, as strings', () => {
    expect(metadataPairs('warn', { session_id: 'S1', attempt: 3, tls: true })).toEqual([
      ['level', 'warn'],
      ['session_id', 'S1'],
      ['attempt', '3'],
      ['tls', 'true'],
    ]);
  });

  it('skips names Loki would refuse, empty values and a second level', () => {
    expect(metadataPairs('info', { 'client-ip': '1', '9lives': 'x', ok_: '', none: null, gone: undefined, level: 'debug' })).toEqual([['level', 'info']]);
    expect(metadataPairs('info', undefined)).toEqual([['level', 'info']]);
  });
});
