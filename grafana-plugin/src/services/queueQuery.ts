// The queue page's view (page, page size, sort, filter) and the API query it maps to.
import type { QueueFilter, QueueListQuery, QueueSort, QueueState } from '../api/types';

export const QUEUE_STATES: readonly QueueState[] = ['queued', 'deferred', 'held', 'in_flight'];
export const PAGE_SIZES = [25, 50, 100, 200] as const;

/** Columns the server can sort by, and the sort key each stands for. */
export const SORTABLE = { created: 'created', nextAttempt: 'next_attempt', size: 'size', attempts: 'attempts' } as const;
export type SortColumn = keyof typeof SORTABLE;

export interface QueueView {
  page: number; // 1-based
  pageSize: number;
  sort: QueueSort;
  search: string;
  state: QueueState | null;
}

export const DEFAULT_VIEW: QueueView = { page: 1, pageSize: 50, sort: 'created', search: '', state: null };

export function toQuery(view: QueueView): QueueListQuery {
  const q: QueueListQuery = { offset: (view.page - 1) * view.pageSize, limit: view.pageSize, sort: view.sort };
  const search = view.search.trim();
  if (search) q.search = search;
  if (view.state) q.state = view.state;
  return q;
}

export function filterOf(view: QueueView): QueueFilter {
  const f: QueueFilter = {};
  const search = view.search.trim();
  if (search) f.search = search;
  if (view.state) f.state = view.state;
  return f;
}

export function isFiltered(view: QueueView): boolean {
  return view.search.trim() !== '' || view.state !== null;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Clicking a column: ascending first, then descending, then ascending again. */
export function nextSort(current: QueueSort, column: SortColumn): QueueSort {
  const key = SORTABLE[column];
  if (current === key) return `-${key}` as QueueSort;
  return key as QueueSort;
}

export function sortDirection(current: QueueSort, column: SortColumn): 'asc' | 'desc' | null {
  const key = SORTABLE[column];
  if (current === key) return 'asc';
  if (current === `-${key}`) return 'desc';
  return null;
}

/** "the 3 messages matching “bob” in state deferred" / "all 12 messages": said in confirmations. */
export function describeSet(total: number, view: QueueView): string {
  const noun = total === 1 ? 'message' : 'messages';
  if (!isFiltered(view)) return `all ${total} ${noun} in the queue`;
  const parts: string[] = [];
  const search = view.search.trim();
  if (search) parts.push(`matching “${search}”`);
  if (view.state) parts.push(`in state ${view.state}`);
  return `the ${total} ${noun} ${parts.join(' ')}`;
}

/** A page past the end (after removals) falls back to the last page that exists. */
export function clampPage(view: QueueView, total: number): QueueView {
  const last = pageCount(total, view.pageSize);
  return view.page > last ? { ...view, page: last } : view;
}

/** Auto-refresh choices in milliseconds; 0 is off. */
export const AUTO_REFRESH: ReadonlyArray<{ label: string; value: number }> = [
  { label: 'Off', value: 0 },
  { label: '5s', value: 5_000 },
  { label: '10s', value: 10_000 },
  { label: '30s', value: 30_000 },
  { label: '1m', value: 60_000 },
];
