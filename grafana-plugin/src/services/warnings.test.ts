import { describe, expect, it } from 'vitest';
import type { Warning } from '../api/types';
import { groupBySeverity, warningsTitle } from './warnings';

const w = (id: string, severity: string): Warning => ({ id, severity: severity as Warning['severity'], message: id, remedy: '' });

describe('warnings', () => {
  it('groups most severe first and keeps order within a group', () => {
    const groups = groupBySeverity([w('a', 'low'), w('b', 'critical'), w('c', 'low'), w('d', 'bogus')]);
    expect(groups.map(([s, items]) => [s, items.map((i) => i.id)])).toEqual([
      ['critical', ['b']],
      ['low', ['a', 'c', 'd']],
    ]);
  });

  it('titles the page with the count', () => {
    expect(warningsTitle(undefined)).toBe('Warnings');
    expect(warningsTitle(0)).toBe('Warnings (0)');
    expect(warningsTitle(4)).toBe('Warnings (4)');
  });
});
