// The harness's stand-ins for Grafana's built-in time series and stat panels, which live inside Grafana
// (public/app/plugins/panel/) and not on npm. Scenes' VizPanel asks @grafana/runtime's
// getPluginImportUtils() for them by id, as in Grafana. Each draws with what @grafana/ui exports: the time
// series with its uPlot graph and legend (TimeSeries), the stat with BigValue and the value reduced as
// Grafana's stat panel reduces it (getFieldDisplayValues). Without a number field both say "No data", as
// Grafana's panels do.
import React from 'react';
import { FieldColorModeId, FieldConfigProperty, FieldType, getFieldDisplayValues, PanelPlugin, type PanelData, type PanelProps, type ReduceDataOptions } from '@grafana/data';
import type { VizLegendOptions } from '@grafana/schema';
import { BigValue, BigValueColorMode, BigValueGraphMode, BigValueJustifyMode, BigValueTextMode, LegendDisplayMode, TimeSeries, useTheme2 } from '@grafana/ui';

const hasNumbers = (data: PanelData) => data.series.some((f) => f.fields.some((field) => field.type === FieldType.number));

function NoData() {
  return (
    <div data-harness-panel="no-data" style={{ display: 'flex', height: '100%', alignItems: 'center', justifyContent: 'center' }}>
      No data
    </div>
  );
}

function TimeSeriesPanel({ data, width, height, timeZone, options }: PanelProps<{ legend?: VizLegendOptions }>) {
  if (!hasNumbers(data)) return <NoData />;
  const legend = options.legend ?? { showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] };
  return <TimeSeries frames={data.series} structureRev={data.structureRev} timeRange={data.timeRange} timeZone={timeZone} width={width} height={height} legend={legend} options={options} />;
}

function StatPanel({ data, width, height, timeZone, options, fieldConfig, replaceVariables }: PanelProps<{ reduceOptions?: ReduceDataOptions }>) {
  const theme = useTheme2();
  if (!hasNumbers(data)) return <NoData />;
  const values = getFieldDisplayValues({ data: data.series, fieldConfig, reduceOptions: options.reduceOptions ?? { calcs: ['lastNotNull'], values: false }, replaceVariables, theme, timeZone });
  const each = Math.floor(width / Math.max(values.length, 1));
  return (
    <div style={{ display: 'flex' }}>
      {values.map((v, i) => (
        <BigValue
          key={i}
          value={v.display}
          width={each}
          height={height}
          theme={theme}
          colorMode={BigValueColorMode.Value}
          graphMode={BigValueGraphMode.None}
          justifyMode={BigValueJustifyMode.Auto}
          textMode={BigValueTextMode.Auto}
        />
      ))}
    </div>
  );
}

/** A panel with the standard field options (fieldConfig.ts), the color mode by default as Grafana's panel has it. */
function standIn<T extends object>(id: string, name: string, component: React.ComponentType<PanelProps<T>>, colorMode: FieldColorModeId): PanelPlugin {
  const plugin = new PanelPlugin<T>(component).useFieldConfig({ standardOptions: { [FieldConfigProperty.Color]: { defaultValue: { mode: colorMode } } } });
  plugin.meta = {
    id,
    name,
    type: 'panel',
    module: `core:plugin/${id}`,
    baseUrl: `public/app/plugins/panel/${id}`,
    info: { author: { name: 'Harness' }, description: `Stand-in for Grafana's ${name} panel`, links: [], logos: { small: '', large: '' }, screenshots: [], updated: '', version: '12.4.10' },
    sort: 0,
  } as unknown as PanelPlugin['meta'];
  return plugin as unknown as PanelPlugin;
}

const PANELS: Record<string, PanelPlugin> = {
  timeseries: standIn('timeseries', 'Time series', TimeSeriesPanel, FieldColorModeId.PaletteClassic),
  stat: standIn('stat', 'Stat', StatPanel, FieldColorModeId.Thresholds),
};

/** What Grafana hands to setPluginImportUtils, for the two panels the app uses. */
export const panelImportUtils = {
  importPanelPlugin: async (id: string): Promise<PanelPlugin> => {
    const plugin = PANELS[id];
    if (!plugin) throw new Error(`The harness has no ${id} panel (only ${Object.keys(PANELS).join(', ')}).`);
    return plugin;
  },
  getPanelPluginFromCache: (id: string): PanelPlugin | undefined => PANELS[id],
};
