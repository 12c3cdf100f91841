import { describe, expect, it } from 'vitest';
import { streamParams } from './streamParams';

describe('streamParams', () => {
  it('sends nothing for the whole log', () => {
    expect(streamParams('  ')).toEqual({});
  });

  it('adds the session', () => {
    expect(streamParams(' S1 ')).toEqual({ session: 'S1' });
  });
});
