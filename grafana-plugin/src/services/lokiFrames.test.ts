import { describe, expect, it } from 'vitest';
import { linesFromQueryResponse } from './lokiFrames';

describe('linesFromQueryResponse', () => {
  it('reads the lines and times of every frame, oldest first', () => {
    const response = {
      results: {
        A: {
          frames: [
            {
              schema: { fields: [{ name: 'labels' }, { name: 'Time' }, { name: 'Line' }] },
              data: {
                values: [
                  [{}, {}],
                  [2000, 1000],
                  ['{"msg":"bounce queued"}', '{"msg":"delivery attempt"}'],
                ],
              },
            },
          ],
        },
      },
    };
    expect(linesFromQueryResponse(response)).toEqual([
      { time: 1000, line: '{"msg":"delivery attempt"}' },
      { time: 2000, line: '{"msg":"bounce queued"}' },
    ]);
  });

  it('gives nothing for an answer without frames', () => {
    expect(linesFromQueryResponse({ results: { A: {} } })).toEqual([]);
    expect(linesFromQueryResponse(undefined)).toEqual([]);
  });
});
