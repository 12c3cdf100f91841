// @vitest-environment node
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_TRENDS, SERVER_TRENDS, withoutDashboardFilters, type TrendPanel } from './promql';

interface DashboardPanel {
  title?: string;
  panels?: DashboardPanel[];
  targets?: Array<{ refId: string; expr: string; legendFormat?: string }>;
  fieldConfig?: { defaults?: { unit?: string } };
}

const dashboard = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../dashboards/mailroom-overview.json'), 'utf8')) as { panels: DashboardPanel[] };
const flat = (panels: DashboardPanel[]): DashboardPanel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
const byTitle = (title: string) => flat(dashboard.panels).find((p) => p.title === title);

describe('the trend panels', () => {
  it.each(Object.values({ ...SERVER_TRENDS, ...QUEUE_TRENDS }).map((p: TrendPanel) => [p.title, p] as const))('"%s" runs the overview dashboard\'s queries', (title, panel) => {
    const source = byTitle(title);
    expect(source, `dashboards/mailroom-overview.json has no panel "${title}"`).toBeDefined();
    expect(panel.targets.map((t) => t.expr)).toEqual(source!.targets!.map((t) => withoutDashboardFilters(t.expr)));
    expect(panel.targets.map((t) => t.legendFormat)).toEqual(source!.targets!.map((t) => t.legendFormat ?? ''));
    expect(panel.unit).toBe(source!.fieldConfig?.defaults?.unit);
  });

  it('take max across instances for the cluster-wide queue and sum for per-node metrics', () => {
    for (const t of Object.values(QUEUE_TRENDS).flatMap((p) => p.targets)) expect(t.expr).toMatch(/^max/);
    for (const t of Object.values(SERVER_TRENDS).flatMap((p) => p.targets)) expect(t.expr).toMatch(/^sum/);
  });

  it('drops only the dashboard variables from an expression', () => {
    expect(withoutDashboardFilters('sum(rate(a_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))')).toBe('sum(rate(a_total[$__rate_interval]))');
    expect(withoutDashboardFilters('sum(a{job=~"$job", instance=~"$instance", action="reject"})')).toBe('sum(a{action="reject"})');
  });
});
