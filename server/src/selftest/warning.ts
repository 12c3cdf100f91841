// The shape of one configuration warning. Ids are stable: dashboards, alerts and the plugin key on them.

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export interface Warning {
  id: string;
  severity: Severity;
  message: string;
  remedy: string;
}

/** What checks may look at. Everything is read-only. */
export interface CheckContext {
  now: number;
}

export type Check<C> = (ctx: C) => Warning[] | Promise<Warning[]>;
