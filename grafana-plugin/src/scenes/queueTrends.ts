// The Queue page's trends: the queue's depth by state over the picked range, and the age of its oldest
// message (latest value, with its line over the range).
import type { EmbeddedScene } from '@grafana/scenes';
import { QUEUE_TRENDS } from '../services/promql';
import { statPanel, timeSeriesPanel } from './trendPanel';
import { trendScene } from './trendScene';

export function buildQueueTrends(datasourceUid: string): EmbeddedScene {
  return trendScene([timeSeriesPanel(datasourceUid, QUEUE_TRENDS.byState), statPanel(datasourceUid, QUEUE_TRENDS.oldest)]);
}
