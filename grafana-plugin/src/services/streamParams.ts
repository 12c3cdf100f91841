// Query parameters of the live log stream: `category` as a comma-separated list when only some categories
// are wanted (none when all are), `session` when the view is narrowed to one session. The page filters
// the lines itself as well, so a server that ignores either parameter still shows the right lines.
import { LOG_CATEGORIES } from '../api/types';

export function streamParams(categories: ReadonlySet<string>, session: string): { category?: string; session?: string } {
  const params: { category?: string; session?: string } = {};
  const wanted = LOG_CATEGORIES.filter((c) => categories.has(c));
  if (wanted.length < LOG_CATEGORIES.length) params.category = wanted.join(',');
  const s = session.trim();
  if (s) params.session = s;
  return params;
}
