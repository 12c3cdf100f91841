// One line of the live log: the JSON that Mailroom's logger wrote (pino: numeric level, epoch-ms time,
// category, msg, session and queueId where they apply, more fields as the code adds them).

export interface LogEntry {
  /** Position in the stream, for React keys and counting. */
  seq: number;
  time?: number | string;
  level: string;
  category: string;
  session?: string;
  queueId?: string;
  msg: string;
  /** Every other field, shown as key=value after the message. */
  fields: Record<string, unknown>;
}

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const KNOWN = new Set(['time', 'level', 'category', 'session', 'queueId', 'msg', 'service', 'pid', 'hostname']);

export function levelName(level: unknown): string {
  if (typeof level === 'number') return PINO_LEVELS[level] ?? String(level);
  if (typeof level === 'string' && level) return level.toLowerCase();
  return 'info';
}

export function parseLogLine(data: string, seq: number): LogEntry {
  let record: unknown;
  try {
    record = JSON.parse(data);
  } catch {
    record = undefined;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    return { seq, level: 'info', category: 'application', msg: data, fields: {} };
  }
  const r = record as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!KNOWN.has(k)) fields[k] = v;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  return {
    seq,
    time: typeof r.time === 'number' || typeof r.time === 'string' ? r.time : undefined,
    level: levelName(r.level),
    category: str(r.category) ?? 'application',
    session: str(r.session),
    queueId: str(r.queueId),
    msg: str(r.msg) ?? '',
    fields,
  };
}

/** `key=value` pairs of the extra fields, strings quoted only when they contain spaces. */
export function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      return `${k}=${typeof v === 'string' && /\s|"/.test(v) ? JSON.stringify(v) : s}`;
    })
    .join(' ');
}
