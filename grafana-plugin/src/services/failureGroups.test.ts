import { describe, expect, it, vi } from 'vitest';
import { groupFailures } from './failureGroups';

const down = { kind: 'unreachable', message: 'Grafana could not reach Mailroom.' };

describe('groupFailures', () => {
  it('makes one group of two failures with the same cause, naming both actions and retrying both', () => {
    const a = vi.fn();
    const b = vi.fn();
    const groups = groupFailures([
      { action: 'Could not read the logging switches', error: down, retry: a },
      { action: 'The live log stream failed', error: { ...down }, retry: b },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.action).toBe('Could not read the logging switches and the live log stream failed');
    groups[0]!.retry!();
    expect(a).toHaveBeenCalledOnce();
    expect(b).toHaveBeenCalledOnce();
  });

  it('keeps different causes apart and skips empty slots', () => {
    const groups = groupFailures([null, { action: 'A', error: down }, false, { action: 'B', error: { kind: 'forbidden', message: 'no' } }]);
    expect(groups.map((g) => g.action)).toEqual(['A', 'B']);
    expect(groups[0]!.retry).toBeUndefined();
  });

  it('offers dismiss only when every failure of the group can be dismissed', () => {
    const d = vi.fn();
    expect(groupFailures([{ action: 'A', error: down, dismiss: d }])[0]!.dismiss).toBeDefined();
    expect(
      groupFailures([
        { action: 'A', error: down, dismiss: d },
        { action: 'B', error: down },
      ])[0]!.dismiss,
    ).toBeUndefined();
  });
});
