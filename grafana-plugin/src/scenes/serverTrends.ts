// The Server page's trends: messages processed per second by source, viruses and spam per second, and open
// sessions per protocol, over the picked range.
import type { EmbeddedScene } from '@grafana/scenes';
import { SERVER_TRENDS } from '../services/promql';
import { timeSeriesPanel } from './trendPanel';
import { trendScene } from './trendScene';

export function buildServerTrends(datasourceUid: string): EmbeddedScene {
  return trendScene([SERVER_TRENDS.processed, SERVER_TRENDS.virusesAndSpam, SERVER_TRENDS.sessions].map((p) => timeSeriesPanel(datasourceUid, p)));
}
