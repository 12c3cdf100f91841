// A query runner on the Prometheus data source chosen on the configuration page (jsonData
// prometheusDatasourceUid): range queries, one point per pixel of the panel at most.
import { SceneQueryRunner } from '@grafana/scenes';
import type { DataSourceRef } from '@grafana/schema';
import type { PromTarget } from '../services/promql';

export const PROMETHEUS_PLUGIN_ID = 'prometheus';

export function prometheusRef(uid: string): DataSourceRef {
  return { type: PROMETHEUS_PLUGIN_ID, uid };
}

export function prometheusQueryRunner(datasourceUid: string, targets: readonly PromTarget[]): SceneQueryRunner {
  return new SceneQueryRunner({
    datasource: prometheusRef(datasourceUid),
    queries: targets.map((t) => ({ refId: t.refId, expr: t.expr, legendFormat: t.legendFormat, range: true, instant: false })),
    maxDataPointsFromWidth: true,
  });
}
