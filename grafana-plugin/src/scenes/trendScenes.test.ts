import { describe, expect, it } from 'vitest';
import { SceneCSSGridLayout, SceneQueryRunner, SceneRefreshPicker, SceneTimePicker, SceneTimeRange, VizPanel, type EmbeddedScene } from '@grafana/scenes';
import { QUEUE_TRENDS, SERVER_TRENDS } from '../services/promql';
import { buildQueueTrends } from './queueTrends';
import { buildServerTrends } from './serverTrends';
import { DEFAULT_RANGE } from './trendScene';

const UID = 'mailroom-prometheus';

function panelsOf(scene: EmbeddedScene): VizPanel[] {
  const body = scene.state.body;
  expect(body).toBeInstanceOf(SceneCSSGridLayout);
  return (body as SceneCSSGridLayout).state.children.map((c) => {
    expect(c).toBeInstanceOf(VizPanel);
    return c as VizPanel;
  });
}

function runnerOf(panel: VizPanel): SceneQueryRunner {
  const data = panel.state.$data;
  expect(data).toBeInstanceOf(SceneQueryRunner);
  return data as SceneQueryRunner;
}

describe.each([
  ['Server', buildServerTrends, [SERVER_TRENDS.processed, SERVER_TRENDS.virusesAndSpam, SERVER_TRENDS.sessions], ['timeseries', 'timeseries', 'timeseries']],
  ['Queue', buildQueueTrends, [QUEUE_TRENDS.byState, QUEUE_TRENDS.oldest], ['timeseries', 'stat']],
] as const)('the %s page trends', (_page, build, panels, kinds) => {
  it('query the configured Prometheus data source by uid with the dashboard PromQL, as range queries', () => {
    const built = panelsOf(build(UID));
    expect(built.map((p) => p.state.title)).toEqual(panels.map((p) => p.title));
    expect(built.map((p) => p.state.pluginId)).toEqual(kinds);
    built.forEach((panel, i) => {
      const runner = runnerOf(panel);
      expect(runner.state.datasource).toEqual({ type: 'prometheus', uid: UID });
      expect(runner.state.queries).toEqual(panels[i]!.targets.map((t) => ({ refId: t.refId, expr: t.expr, legendFormat: t.legendFormat, range: true, instant: false })));
      expect(panel.state.fieldConfig.defaults.unit).toBe(panels[i]!.unit);
    });
  });

  it('follow another data source when the configuration names another uid', () => {
    for (const panel of panelsOf(build('ops-prometheus'))) expect(runnerOf(panel).state.datasource?.uid).toBe('ops-prometheus');
  });

  it('have a time range (the last hour by default) with a time picker and a refresh picker', () => {
    const scene = build(UID);
    expect(scene.state.$timeRange).toBeInstanceOf(SceneTimeRange);
    expect(scene.state.$timeRange!.state).toMatchObject(DEFAULT_RANGE);
    expect(scene.state.controls?.map((c) => c.constructor)).toEqual([SceneTimePicker, SceneRefreshPicker]);
  });
});
