export interface DsQueryDatasource {
  type: string;
  url: string;
  jsonData?: { timeInterval?: string };
}
export interface DsQuery {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  range?: boolean;
  instant?: boolean;
  interval?: string;
  intervalMs?: number;
  intervalFactor?: number;
  maxDataPoints?: number;
  utcOffsetSec?: number;
  datasource?: { type?: string; uid?: string };
}
export function roundInterval(ms: number): number;
export function parseInterval(text: string): number;
export function formatInterval(ms: number): string;
export function goDuration(ms: number): string;
export function stepFor(query: DsQuery, rangeMs: number, scrapeInterval: string): number;
export function interpolate(expr: string, o: { intervalMs: number; stepMs: number; requestedMinStep?: string; scrapeInterval: string; rangeMs: number }): string;
export function legendOf(legendFormat: string, labels: Record<string, string>, expr: string): string;
export function answerDsQuery(
  body: { from?: string; to?: string; queries?: DsQuery[] },
  datasources: Map<string, DsQueryDatasource>,
  fetchImpl?: typeof fetch,
): Promise<{ status: number; body: { results: Record<string, { status: number; frames?: unknown[]; error?: string; errorSource?: string }> } }>;
