// The app's settings as Grafana stores them: jsonData (readable: the API URL, the Prometheus and Loki data
// sources) and secureJsonData (write-only: three tokens; the browser only ever learns whether each is set).

export interface AppJsonData {
  apiUrl?: string;
  /** The Prometheus data source of the trend panels (Server and Queue pages). */
  prometheusDatasourceUid?: string;
  /** The Loki data source of the live log's and the trace's Explore links. */
  lokiDatasourceUid?: string;
  /**
   * Set by provisioning/grafana/plugins/mailroom-admin-app.yml. Grafana tells an app nothing about how its
   * settings came (its settings API has no such field), and its provisioner replaces jsonData whole at
   * every start, so the provisioning file says so itself and the configuration page warns that changes
   * made there last only until Grafana restarts.
   */
  provisioned?: boolean;
}

/** The data source uids kept in jsonData, each picked on the configuration page. */
export const DATASOURCE_KEYS = ['prometheusDatasourceUid', 'lokiDatasourceUid'] as const;
export type DatasourceKey = (typeof DATASOURCE_KEYS)[number];

export const DATASOURCE_LABELS: Record<DatasourceKey, { pluginId: 'prometheus' | 'loki'; label: string; description: string; placeholder: string }> = {
  prometheusDatasourceUid: {
    pluginId: 'prometheus',
    label: 'Prometheus',
    description: "The Prometheus that scrapes Mailroom's /metrics: the Server and Queue pages draw their trends from it.",
    placeholder: 'Pick the Prometheus that scrapes Mailroom',
  },
  lokiDatasourceUid: {
    pluginId: 'loki',
    label: 'Loki',
    description: "The Loki that holds Mailroom's logs: the live log's and the trace's Open in Explore links use it (empty: Explore's default).",
    placeholder: "Pick the Loki that holds Mailroom's logs",
  },
};

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
  prometheusDatasourceUid: string;
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

/**
 * The body of POST /api/plugins/<id>/settings: jsonData always, secureJsonData only for keys that change.
 * Grafana replaces jsonData whole, so keys this page does not edit (`provisioned`) are carried over from
 * `previous`.
 */
export function buildSettingsUpdate(form: SettingsForm, pinned = true, previous: AppJsonData = {}): SettingsUpdate {
  const jsonData: AppJsonData = { ...previous, apiUrl: normaliseApiUrl(form.apiUrl).value };
  for (const key of DATASOURCE_KEYS) {
    const uid = form[key].trim();
    if (uid) jsonData[key] = uid;
    else delete jsonData[key];
  }
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

/**
 * What the app still lacks before its pages can read from Mailroom: the API URL and the viewer token that
 * every page reads with. Empty when it has both.
 */
export function missingSettings(jsonData: AppJsonData | undefined, secureJsonFields: Record<string, boolean> | undefined): string[] {
  const missing: string[] = [];
  if (!jsonData?.apiUrl?.trim()) missing.push('API URL');
  if (!secureJsonFields?.viewerToken) missing.push('viewer token');
  return missing;
}
