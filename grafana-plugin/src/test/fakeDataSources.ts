// A stand-in for Grafana's data source service in unit tests: the data sources a Grafana instance would
// list in its boot data, looked up by uid, name or reference, filtered by plugin id as Grafana's
// DataSourcePicker asks. Only what the app's pages and the picker call.
import type { DataSourceInstanceSettings, DataSourceRef } from '@grafana/data';
import { setDataSourceSrv, type DataSourceSrv } from '@grafana/runtime';

export function dataSource(uid: string, name: string, type: 'prometheus' | 'loki', isDefault = false): DataSourceInstanceSettings {
  return {
    id: uid.length,
    uid,
    name,
    type,
    access: 'proxy',
    isDefault,
    readOnly: false,
    jsonData: {},
    meta: { id: type, type: 'datasource', name: type, module: '', baseUrl: '', info: { logos: { small: '', large: '' } }, metrics: type === 'prometheus', logs: type === 'loki' },
  } as unknown as DataSourceInstanceSettings;
}

export const PROMETHEUS = dataSource('mailroom-prometheus', 'Mailroom Prometheus', 'prometheus');
export const OTHER_PROMETHEUS = dataSource('ops-prometheus', 'Ops Prometheus', 'prometheus');
export const LOKI = dataSource('mailroom-loki', 'Mailroom Loki', 'loki');

export function installDataSources(list: DataSourceInstanceSettings[] = [PROMETHEUS, OTHER_PROMETHEUS, LOKI]): void {
  const find = (ref: DataSourceRef | string | null | undefined) => {
    if (ref === null || ref === undefined) return list.find((d) => d.isDefault);
    const key = typeof ref === 'string' ? ref : ref.uid;
    return list.find((d) => d.uid === key || d.name === key);
  };
  setDataSourceSrv({
    getList: (filters: { pluginId?: string } = {}) => list.filter((d) => !filters.pluginId || d.meta.id === filters.pluginId),
    getInstanceSettings: find,
    get: async (ref: DataSourceRef | string | null | undefined) => {
      throw new Error(`unit tests run no queries (asked for ${JSON.stringify(ref)})`);
    },
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  } as unknown as DataSourceSrv);
}
