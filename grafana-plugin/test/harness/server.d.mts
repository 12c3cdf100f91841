import type { Server } from 'node:http';
import type { ProxySettings } from './grafana-proxy.mjs';

export interface HarnessSettings extends ProxySettings {
  enabled?: boolean;
  pinned?: boolean;
}
export interface Harness {
  url: string;
  port: number;
  pluginId: string;
  getSettings(): HarnessSettings | null;
  setSettings(next: HarnessSettings | null): void;
  close(): Promise<void>;
  server: Server;
}
export interface HarnessDatasource {
  uid: string;
  name?: string;
  type: 'prometheus' | 'loki';
  /** The real Prometheus (or Loki) behind it. */
  url: string;
  jsonData?: Record<string, unknown>;
  isDefault?: boolean;
}
export function startHarness(options?: {
  port?: number;
  host?: string;
  distDir?: string;
  sharedDir?: string;
  role?: 'Viewer' | 'Editor' | 'Admin';
  settings?: HarnessSettings | null;
  datasources?: HarnessDatasource[];
}): Promise<Harness>;
