// One panel of the trend rows: a time series (lines over the picked range) or a stat (the latest value
// with its sparkline), titled and with the unit of the dashboard panel it comes from.
import { PanelBuilders, type VizPanel } from '@grafana/scenes';
import { BigValueGraphMode, LegendDisplayMode } from '@grafana/schema';
import type { TrendPanel } from '../services/promql';
import { prometheusQueryRunner } from './prometheusQuery';

export function timeSeriesPanel(datasourceUid: string, panel: TrendPanel): VizPanel {
  return PanelBuilders.timeseries()
    .setTitle(panel.title)
    .setUnit(panel.unit)
    .setMin(0)
    .setData(prometheusQueryRunner(datasourceUid, panel.targets))
    .setCustomFieldConfig('fillOpacity', 10)
    .setOption('legend', { showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] })
    .build();
}

export function statPanel(datasourceUid: string, panel: TrendPanel): VizPanel {
  return PanelBuilders.stat()
    .setTitle(panel.title)
    .setUnit(panel.unit)
    .setData(prometheusQueryRunner(datasourceUid, panel.targets))
    .setOption('graphMode', BigValueGraphMode.Area)
    .setOption('reduceOptions', { calcs: ['lastNotNull'], values: false, fields: '' })
    .build();
}
