// The harness's stand-in for Grafana's data source service (DataSourceSrv): the data sources of the boot
// data (config.datasources, keyed by name, as Grafana's server writes them), looked up by uid, name or
// reference (nothing: the default one) and listed with the filters Grafana's DataSourcePicker passes. A
// Prometheus data source is Grafana's DataSourceWithBackend (@grafana/runtime), the base class of
// Grafana's own Prometheus data source, which posts queries to /api/ds/query; Grafana's Prometheus plugin
// itself ships inside Grafana and is not published for 12.4.x, so nothing more of it is here.
import type { DataQuery, DataSourceApi, DataSourceInstanceSettings, DataSourceJsonData, DataSourceRef } from '@grafana/data';
import { DataSourceWithBackend, type DataSourceSrv, type GetDataSourceListFilters } from '@grafana/runtime';

interface PrometheusJsonData extends DataSourceJsonData {
  timeInterval?: string;
}

/** As Grafana's Prometheus data source: its scrape interval (jsonData.timeInterval, 15s unless set) is the smallest query interval. */
class HarnessPrometheus extends DataSourceWithBackend<DataQuery, PrometheusJsonData> {
  constructor(settings: DataSourceInstanceSettings<PrometheusJsonData>) {
    super(settings);
    this.interval = settings.jsonData.timeInterval || '15s';
  }
}

export class HarnessDataSourceSrv implements DataSourceSrv {
  private readonly instances = new Map<string, DataSourceApi>();

  constructor(
    private readonly byName: Record<string, DataSourceInstanceSettings>,
    private readonly defaultName: string,
  ) {}

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    const all = Object.values(this.byName);
    if (ref === null || ref === undefined) return this.byName[this.defaultName];
    if (typeof ref === 'string') return all.find((d) => d.uid === ref) ?? this.byName[ref];
    if (ref.uid) return all.find((d) => d.uid === ref.uid) ?? this.byName[ref.uid];
    return all.find((d) => d.type === ref.type && d.isDefault) ?? all.find((d) => d.type === ref.type);
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    const types = filters.type === undefined ? null : ([] as string[]).concat(filters.type);
    return Object.values(this.byName)
      .filter((d) => !filters.pluginId || d.meta.id === filters.pluginId)
      .filter((d) => !types || types.includes(d.type))
      .filter((d) => !filters.metrics || d.meta.metrics)
      .filter((d) => !filters.logs || d.meta.logs)
      .filter((d) => !filters.filter || filters.filter(d))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref);
    if (!settings) throw new Error(`Datasource ${typeof ref === 'string' ? ref : (ref?.uid ?? ref?.type ?? 'default')} was not found`);
    let ds = this.instances.get(settings.uid);
    if (!ds) {
      if (settings.type !== 'prometheus') throw new Error(`The harness has no ${settings.type} data source plugin (only Prometheus).`);
      ds = new HarnessPrometheus(settings as DataSourceInstanceSettings<PrometheusJsonData>);
      this.instances.set(settings.uid, ds);
    }
    return ds;
  }

  reload(): void {}

  registerRuntimeDataSource(): void {
    throw new Error('The harness does not support runtime data sources.');
  }
}
