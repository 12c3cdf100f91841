import { describe, expect, it } from 'vitest';
import { clampPage, DEFAULT_VIEW, describeSet, filterOf, isFiltered, nextSort, pageCount, sortDirection, toQuery } from './queueQuery';

describe('queueQuery', () => {
  it('maps the view to the API query, leaving out empty filters', () => {
    expect(toQuery(DEFAULT_VIEW)).toEqual({ offset: 0, limit: 50, sort: 'created' });
    expect(toQuery({ ...DEFAULT_VIEW, page: 3, pageSize: 25, search: '  bob ', state: 'held', sort: '-size' })).toEqual({
      offset: 50,
      limit: 25,
      sort: '-size',
      search: 'bob',
      state: 'held',
    });
    expect(filterOf({ ...DEFAULT_VIEW, search: ' ' })).toEqual({});
    expect(filterOf({ ...DEFAULT_VIEW, state: 'deferred' })).toEqual({ state: 'deferred' });
    expect(isFiltered(DEFAULT_VIEW)).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, search: 'x' })).toBe(true);
  });

  it('sorts ascending first, then toggles', () => {
    expect(nextSort('created', 'size')).toBe('size');
    expect(nextSort('size', 'size')).toBe('-size');
    expect(nextSort('-size', 'size')).toBe('size');
    expect(nextSort('created', 'nextAttempt')).toBe('next_attempt');
    expect(sortDirection('-next_attempt', 'nextAttempt')).toBe('desc');
    expect(sortDirection('created', 'created')).toBe('asc');
    expect(sortDirection('created', 'size')).toBeNull();
  });

  it('pages', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(clampPage({ ...DEFAULT_VIEW, page: 4 }, 120)).toMatchObject({ page: 3 });
    const view = { ...DEFAULT_VIEW, page: 2 };
    expect(clampPage(view, 120)).toBe(view);
  });

  it('describes the set a bulk action touches', () => {
    expect(describeSet(12, DEFAULT_VIEW)).toBe('all 12 messages in the queue');
    expect(describeSet(1, { ...DEFAULT_VIEW, search: 'bob', state: 'deferred' })).toBe('the 1 message matching “bob” in state deferred');
    expect(describeSet(3, { ...DEFAULT_VIEW, state: 'held' })).toBe('the 3 messages in state held');
  });
});
