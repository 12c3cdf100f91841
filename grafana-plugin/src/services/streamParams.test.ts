import { describe, expect, it } from 'vitest';
import { LOG_CATEGORIES } from '../api/types';
import { streamParams } from './streamParams';

describe('streamParams', () => {
  it('sends no category when all are wanted, a comma list otherwise', () => {
    expect(streamParams(new Set(LOG_CATEGORIES), '')).toEqual({});
    expect(streamParams(new Set(['delivery', 'smtp']), '')).toEqual({ category: 'smtp,delivery' });
  });

  it('adds the session', () => {
    expect(streamParams(new Set(LOG_CATEGORIES), ' S1 ')).toEqual({ session: 'S1' });
  });
});
