// The frame every trend row shares: a time range (the last hour unless the URL says otherwise), a time
// picker and a refresh picker above the panels, and the panels in a grid that wraps on narrow screens.
import { EmbeddedScene, SceneCSSGridLayout, SceneRefreshPicker, SceneTimePicker, SceneTimeRange, type VizPanel } from '@grafana/scenes';

export const DEFAULT_RANGE = { from: 'now-1h', to: 'now' } as const;
const REFRESH_INTERVALS = ['10s', '30s', '1m', '5m', '15m'];

export function trendScene(panels: VizPanel[]): EmbeddedScene {
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ ...DEFAULT_RANGE }),
    controls: [new SceneTimePicker({ isOnCanvas: true }), new SceneRefreshPicker({ intervals: REFRESH_INTERVALS, isOnCanvas: true, refresh: '' })],
    body: new SceneCSSGridLayout({
      templateColumns: 'repeat(auto-fit, minmax(360px, 1fr))',
      autoRows: '260px',
      rowGap: 2,
      columnGap: 2,
      children: panels,
    }),
  });
}
