// Where the app lives in Grafana and how its pages and the Mailroom admin API (through Grafana's plugin
// proxy, which adds the tokens) are reached.
import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;

export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Path segments of the pages under PLUGIN_BASE_URL; plugin.json lists the same paths for the nav. */
export enum ROUTES {
  Server = 'server',
  Warnings = 'warnings',
  Queue = 'queue',
  LiveLog = 'live-log',
  Trace = 'trace',
}

/** Every admin API call goes through Grafana's plugin proxy: plugin.json's routes add the bearer token. */
export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}`;

/** The app's configuration page: the Configuration tab of its page under Administration > Plugins. */
export const CONFIG_PAGE_URL = `/plugins/${PLUGIN_ID}?page=configuration`;

/** Where Grafana keeps the app's settings (jsonData and the write-only secureJsonData). */
export const SETTINGS_URL = `/api/plugins/${PLUGIN_ID}/settings`;

export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
