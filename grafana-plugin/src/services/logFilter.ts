// The live log's view filter: what this browser shows of the lines it receives (a minimum level, a text, a
// session). It never changes what Mailroom logs: that is the server's logging switches, set through
// PUT /api/v1/logging. The same filter becomes the Explore link's LogQL (logql.ts).
import { formatFields, type LogEntry } from './logLine';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** pino's numbers, which are what the JSON line in Loki holds. */
export const PINO_LEVEL: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface ViewFilter {
  /** Lines below this level are hidden; `trace` shows everything. */
  minLevel: LogLevelName;
  /** Case-insensitive text anywhere in the line (category, session, queue id, message, fields). */
  text: string;
  /** One session id, or '' for all. */
  session: string;
}

export const SHOW_ALL: ViewFilter = { minLevel: 'trace', text: '', session: '' };

/** A level name from the line (custom pino levels arrive as their number) as its pino number. */
export function levelRank(level: string): number {
  return PINO_LEVEL[level as LogLevelName] ?? (Number(level) || PINO_LEVEL.info);
}

export function matchesView(entry: LogEntry, f: ViewFilter): boolean {
  if (levelRank(entry.level) < PINO_LEVEL[f.minLevel]) return false;
  const session = f.session.trim();
  if (session && entry.session !== session) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  const haystack = [entry.category, entry.session, entry.queueId, entry.msg, formatFields(entry.fields)].filter(Boolean).join(' ').toLowerCase();
  return haystack.includes(text);
}
