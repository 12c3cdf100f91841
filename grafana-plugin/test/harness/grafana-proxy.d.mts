import type { IncomingMessage, ServerResponse } from 'node:http';

export interface PluginRoute {
  path?: string;
  method?: string;
  url?: string;
  reqRole?: string;
  reqAction?: string;
  headers?: Array<{ name: string; content: string }>;
}
export interface PluginJsonLike {
  id: string;
  routes?: PluginRoute[];
  roles?: Array<{ role: { name?: string; permissions: Array<{ action: string }> }; grants: string[] }>;
}
export interface ProxySettings {
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}
export function roleIncludes(userRole: string | undefined, reqRole: string | undefined): boolean;
export function actionsOf(pluginJson: PluginJsonLike | undefined, orgRole: string | undefined): Set<string>;
export function routeAllowed(pluginJson: PluginJsonLike | undefined, route: PluginRoute, orgRole: string | undefined): boolean;
export function matchPattern(pattern: string, url: string): Record<string, string> | null;
export function findRoute(routes: PluginRoute[] | undefined, method: string, proxyPath: string): { route: PluginRoute | null; rest: string };
export function joinURLFragments(a: string, b: string): string;
export function interpolate(template: string, data: { JsonData?: Record<string, unknown>; SecureJsonData?: Record<string, string> }): string;
export function proxyPluginRequest(req: IncomingMessage, res: ServerResponse, options: { pluginJson: PluginJsonLike; settings: ProxySettings | null; user: { orgRole: string; login?: string } }): void;
