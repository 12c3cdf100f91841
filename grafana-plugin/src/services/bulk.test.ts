import { describe, expect, it } from 'vitest';
import { bulkSummary } from './bulk';

describe('bulkSummary', () => {
  it('says how many were done and how many failed', () => {
    expect(bulkSummary('hold', { done: 1, failed: [] })).toBe('1 message held.');
    expect(
      bulkSummary('remove', {
        done: 3,
        failed: [
          { id: 'X', message: 'gone' },
          { id: 'Y', message: 'gone' },
        ],
      }),
    ).toBe('3 messages removed. 2 failed (X: gone, …).');
  });
});
