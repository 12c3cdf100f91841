// The app's settings as Grafana stores them: jsonData (readable: the API URL, the Loki data source) and
// secureJsonData (write-only: three tokens; the browser only ever learns whether each is set).

export interface AppJsonData {
  apiUrl?: string;
  lokiDatasourceUid?: string;
}

export const SECRET_KEYS = ['viewerToken', 'operatorToken', 'adminToken'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const SECRET_LABELS: Record<SecretKey, { label: string; description: string }> = {
  viewerToken: { label: 'Viewer token', description: 'Mailroom token with the viewer role: every page reads with it (Grafana Viewers and up).' },
  operatorToken: { label: 'Operator token', description: 'Mailroom token with the operator role: server and queue actions (Grafana Editors and Admins).' },
  adminToken: { label: 'Admin token', description: 'Mailroom token with the admin role: logging categories (Grafana Admins only).' },
};

/** Trims spaces and trailing slashes; the proxy appends /api/v1/... to it. Errors name what is wrong. */
export function normaliseApiUrl(input: string): { value: string; error?: string } {
  const value = input.trim().replace(/\/+$/, '');
  if (!value) return { value, error: 'The API URL is required, e.g. http://127.0.0.1:9425' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { value, error: 'Not a URL: write it as http://host:port' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { value, error: 'The API URL must start with http:// or https://' };
  if (url.search || url.hash) return { value, error: 'The API URL takes no query or fragment' };
  return { value };
}

export interface SettingsForm {
  apiUrl: string;
  lokiDatasourceUid: string;
  /** Newly typed secrets; empty strings are ignored (the stored value stays). */
  secrets: Partial<Record<SecretKey, string>>;
  /** Secrets the user reset: sent as empty strings so Grafana forgets them. */
  reset: ReadonlySet<SecretKey>;
}

export interface SettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppJsonData;
  secureJsonData?: Partial<Record<SecretKey, string>>;
}

/** The body of POST /api/plugins/<id>/settings: jsonData always, secureJsonData only for keys that change. */
export function buildSettingsUpdate(form: SettingsForm, pinned = true): SettingsUpdate {
  const jsonData: AppJsonData = { apiUrl: normaliseApiUrl(form.apiUrl).value };
  const loki = form.lokiDatasourceUid.trim();
  if (loki) jsonData.lokiDatasourceUid = loki;
  const secure: Partial<Record<SecretKey, string>> = {};
  for (const key of SECRET_KEYS) {
    const typed = form.secrets[key]?.trim();
    if (typed) secure[key] = typed;
    else if (form.reset.has(key)) secure[key] = '';
  }
  const update: SettingsUpdate = { enabled: true, pinned, jsonData };
  if (Object.keys(secure).length > 0) update.secureJsonData = secure;
  return update;
}

/** What the secureJsonFields say after a save that sent `update`. */
export function fieldsAfterSave(before: Record<string, boolean> | undefined, update: SettingsUpdate): Record<string, boolean> {
  const after = { ...(before ?? {}) };
  for (const [k, v] of Object.entries(update.secureJsonData ?? {})) after[k] = v !== '';
  return after;
}
