// Turns a failed call through Grafana's plugin proxy into something an operator can act on. Failures come
// from three places: Grafana itself (no matching route, the user's role is too low for the route), the
// proxy's hop to Mailroom (unreachable: 502/504 with no body) and Mailroom ({"error": {"code","message"}}).

export type ErrorKind = 'unconfigured' | 'unreachable' | 'unauthorized' | 'forbidden' | 'not_found' | 'invalid' | 'failed';

/** What Grafana's plugin proxy answers (500) while the app has no settings at all: never configured or enabled. */
export const NO_PLUGIN_SETTINGS = 'Failed to fetch plugin settings';

export interface ClassifiedError {
  kind: ErrorKind;
  status: number;
  /** What went wrong and what to do about it, in a sentence or two. */
  message: string;
  /** Mailroom's error code when Mailroom answered, e.g. "forbidden". */
  code?: string;
  /** Who refused: Grafana (role, route) or Mailroom (token). */
  source: 'grafana' | 'mailroom' | 'network';
}

interface MailroomErrorBody {
  error: { code: string; message: string };
}

function mailroomError(data: unknown): MailroomErrorBody['error'] | null {
  if (!data || typeof data !== 'object') return null;
  const e = (data as Partial<MailroomErrorBody>).error;
  return e && typeof e === 'object' && typeof e.code === 'string' ? { code: e.code, message: String(e.message ?? '') } : null;
}

function grafanaMessage(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const m = (data as { message?: unknown }).message;
  return typeof m === 'string' ? m : null;
}

export function classifyError(status: number | undefined, data: unknown, statusText?: string): ClassifiedError {
  const code = status ?? 0;
  const mailroom = mailroomError(data);
  if (mailroom) {
    const base = { status: code, code: mailroom.code, source: 'mailroom' as const };
    if (code === 401) {
      return { ...base, kind: 'unauthorized', message: `Mailroom did not accept the token (${mailroom.message}). Check the tokens on the app's configuration page.` };
    }
    if (code === 403) {
      return { ...base, kind: 'forbidden', message: `Mailroom refused: ${mailroom.message}. The token configured for this action needs a higher role in Mailroom.` };
    }
    if (code === 404) return { ...base, kind: 'not_found', message: `Not found: ${mailroom.message}.` };
    if (code === 400 || code === 422) return { ...base, kind: 'invalid', message: `Mailroom rejected the request: ${mailroom.message}.` };
    if (code === 503) return { ...base, kind: 'unreachable', message: `Mailroom is unavailable: ${mailroom.message}.` };
    return { ...base, kind: 'failed', message: `Mailroom answered ${code}: ${mailroom.message}.` };
  }
  const grafana = grafanaMessage(data);
  if (code === 500 && grafana === NO_PLUGIN_SETTINGS) {
    return { kind: 'unconfigured', status: code, source: 'grafana', message: "The Mailroom app is not configured yet: set its API URL and tokens on the app's configuration page." };
  }
  if (code <= 0 || code === 502 || code === 503 || code === 504) {
    return {
      kind: 'unreachable',
      status: code,
      source: 'network',
      message: `Mailroom cannot be reached through Grafana${code > 0 ? ` (${code}${statusText ? ` ${statusText}` : ''})` : ''}. Is the server running, and is the API URL on the configuration page right?`,
    };
  }
  if (code === 401) {
    return { kind: 'unauthorized', status: code, source: 'grafana', message: 'Your Grafana session has ended: sign in again.' };
  }
  if (code === 403) {
    return { kind: 'forbidden', status: code, source: 'grafana', message: `Your Grafana role does not allow this${grafana ? ` (${grafana})` : ''}. Ask an Editor or Admin.` };
  }
  if (code === 404) {
    return { kind: 'not_found', status: code, source: 'grafana', message: `Not found${grafana ? `: ${grafana}` : ''}. Is the Mailroom app enabled and up to date?` };
  }
  if (code === 400 || code === 422) {
    return { kind: 'invalid', status: code, source: 'grafana', message: `The request was rejected${grafana ? `: ${grafana}` : ''}.` };
  }
  return { kind: 'failed', status: code, source: 'grafana', message: `The request failed (${code}${grafana ? `: ${grafana}` : statusText ? ` ${statusText}` : ''}).` };
}

/** The error thrown by src/api: a classified failure that keeps the HTTP status. */
export class MailroomError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code?: string;
  readonly source: ClassifiedError['source'];

  constructor(c: ClassifiedError) {
    super(c.message);
    this.name = 'MailroomError';
    this.kind = c.kind;
    this.status = c.status;
    this.code = c.code;
    this.source = c.source;
  }
}

export function toMailroomError(err: unknown): MailroomError {
  if (err instanceof MailroomError) return err;
  if (err && typeof err === 'object' && 'status' in err) {
    const e = err as { status?: number; data?: unknown; statusText?: string };
    return new MailroomError(classifyError(e.status, e.data, e.statusText));
  }
  return new MailroomError({ kind: 'unreachable', status: 0, source: 'network', message: `Mailroom cannot be reached through Grafana (${err instanceof Error ? err.message : String(err)}).` });
}
