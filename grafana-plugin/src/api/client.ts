// One way to call the Mailroom admin API: Grafana's backendSrv on the plugin proxy URL, never straight to
// Mailroom (the browser has no token; plugin.json's routes add it on Grafana's side). Errors come back as
// MailroomError with the cause told apart (unreachable, 401, 403 from Grafana or Mailroom, ...).
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { PROXY_BASE } from '../constants';
import { toMailroomError } from './errors';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Params = Record<string, string | number | undefined>;

export interface CallOptions {
  params?: Params;
  data?: unknown;
  responseType?: 'json' | 'text';
}

/** Query parameters without the empty ones, so "no filter" sends nothing rather than `search=`. */
export function cleanParams(params: Params | undefined): Record<string, string | number> | undefined {
  if (!params) return undefined;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

export async function call<T>(method: Method, path: string, options: CallOptions = {}): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${PROXY_BASE}${path}`,
        method,
        params: cleanParams(options.params),
        data: options.data,
        responseType: options.responseType,
        showErrorAlert: false,
        showSuccessAlert: false,
      }),
    );
    return response.data;
  } catch (err) {
    throw toMailroomError(err);
  }
}

/** Grafana's own API (plugin settings), with the same error handling. */
export async function callGrafana<T>(method: Method, url: string, data?: unknown): Promise<T> {
  try {
    const response = await lastValueFrom(getBackendSrv().fetch<T>({ url, method, data, showErrorAlert: false, showSuccessAlert: false }));
    return response.data;
  } catch (err) {
    throw toMailroomError(err);
  }
}
