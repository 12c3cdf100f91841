// @vitest-environment node
// The harness's /api/ds/query stand-in: the step, the interpolated variables and the frames that Grafana's
// Prometheus backend (pkg/promlib) would produce for the same request, and its answer to failures.
import { describe, expect, it } from 'vitest';
import { answerDsQuery, formatInterval, goDuration, interpolate, legendOf, roundInterval, stepFor, type DsQueryDatasource } from './ds-query.mjs';

const HOUR = 3_600_000;

describe('the step of a range query', () => {
  it("rounds the range over maxDataPoints as Grafana rounds intervals, never below the query's interval", () => {
    expect(roundInterval(7200)).toBe(5000);
    expect(roundInterval(7500)).toBe(5000);
    expect(roundInterval(7501)).toBe(10000);
    // 1 h over 500 points is 7.2 s: 5 s, unless the frontend's interval (intervalMs) is larger.
    expect(stepFor({ intervalMs: 1000, maxDataPoints: 500 }, HOUR, '1s')).toBe(5000);
    expect(stepFor({ intervalMs: 15000, maxDataPoints: 500 }, HOUR, '15s')).toBe(15000);
    // No intervalMs: the data source's scrape interval is the floor.
    expect(stepFor({ maxDataPoints: 5000 }, HOUR, '15s')).toBe(15000);
    // Never more than 11,000 points.
    expect(stepFor({ intervalMs: 1, maxDataPoints: 1_000_000 }, 7 * 24 * HOUR, '1s')).toBe(60000);
  });
});

describe('variables', () => {
  it('$__rate_interval is max(interval + scrape interval, 4 x scrape interval), written as Go writes durations', () => {
    const o = { stepMs: 5000, scrapeInterval: '1s', rangeMs: HOUR };
    expect(interpolate('rate(x[$__rate_interval])', { ...o, intervalMs: 5000 })).toBe('rate(x[6s])');
    expect(interpolate('rate(x[${__rate_interval}])', { ...o, intervalMs: 1000 })).toBe('rate(x[4s])');
    expect(interpolate('rate(x[$__rate_interval])', { ...o, intervalMs: 60000, scrapeInterval: '15s' })).toBe('rate(x[1m15s])');
    expect(interpolate('increase(x[$__range]) / $__range_s * $__interval_ms', { ...o, intervalMs: 5000 })).toBe('increase(x[3600s]) / 3600 * 5000');
    expect(interpolate('avg_over_time(x[$__interval])', { ...o, intervalMs: 5000 })).toBe('avg_over_time(x[5s])');
    expect(goDuration(60000)).toBe('1m0s');
    expect(goDuration(3_723_000)).toBe('1h2m3s');
    expect(formatInterval(90_000)).toBe('1m');
  });
});

describe('legends', () => {
  it('fills {{label}} from the series, and without a legend names the series by its labels or the expression', () => {
    expect(legendOf('{{protocol}}', { protocol: 'imap' }, 'e')).toBe('imap');
    expect(legendOf('spam: {{action}}', { action: 'tag' }, 'e')).toBe('spam: tag');
    expect(legendOf('', { __name__: 'up', job: 'mailroom' }, 'e')).toBe('up{job="mailroom"}');
    expect(legendOf('', {}, 'max(x)')).toBe('max(x)');
  });
});

describe('answerDsQuery', () => {
  const datasources = new Map<string, DsQueryDatasource>([
    ['prom', { type: 'prometheus', url: 'http://prometheus.test/', jsonData: { timeInterval: '1s' } }],
    ['loki', { type: 'loki', url: 'http://loki.test' }],
  ]);
  const from = 1_700_000_000_000;
  const to = from + HOUR;

  it('asks Prometheus for the range aligned to the step and answers with one time series frame per series', async () => {
    const asked: URLSearchParams[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      asked.push(new URLSearchParams(String(init.body)));
      return new Response(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: { protocol: 'imap' },
                values: [
                  [1_700_000_000, '1'],
                  [1_700_000_005, '2'],
                ],
              },
              { metric: { protocol: 'smtp' }, values: [[1_700_000_000, '0']] },
            ],
          },
        }),
      );
    }) as typeof fetch;
    const body = {
      from: String(from + 1234),
      to: String(to + 1234),
      queries: [
        {
          refId: 'A',
          expr: 'sum by (protocol) (rate(x[$__rate_interval]))',
          legendFormat: '{{protocol}}',
          range: true,
          intervalMs: 5000,
          maxDataPoints: 500,
          datasource: { type: 'prometheus', uid: 'prom' },
        },
      ],
    };
    const answer = await answerDsQuery(body, datasources, fakeFetch);
    expect(answer.status).toBe(200);
    expect(Object.fromEntries(asked[0]!)).toEqual({ query: 'sum by (protocol) (rate(x[6s]))', start: String(from / 1000), end: String(to / 1000), step: '5' });
    const frames = answer.body.results.A!.frames as Array<{
      schema: { refId: string; meta: { type: string }; fields: Array<{ name: string; labels?: object; config: object }> };
      data: { values: number[][] };
    }>;
    expect(frames).toHaveLength(2);
    expect(frames[0]!.schema.refId).toBe('A');
    expect(frames[0]!.schema.meta.type).toBe('timeseries-multi');
    expect(frames[0]!.schema.fields.map((f) => f.name)).toEqual(['Time', 'Value']);
    expect(frames[0]!.schema.fields[0]!.config).toEqual({ interval: 5000 });
    expect(frames[0]!.schema.fields[1]).toMatchObject({ labels: { protocol: 'imap' }, config: { displayNameFromDS: 'imap' } });
    expect(frames[0]!.data.values).toEqual([
      [1_700_000_000_000, 1_700_000_005_000],
      [1, 2],
    ]);
  });

  it('answers an empty frame for no series, and 400 with the error for a failed query or a data source it cannot query', async () => {
    const empty = (async () => new Response(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }))) as unknown as typeof fetch;
    const none = await answerDsQuery({ from: String(from), to: String(to), queries: [{ refId: 'A', expr: 'x', range: true, datasource: { uid: 'prom' } }] }, datasources, empty);
    expect(none.status).toBe(200);
    expect(none.body.results.A!.frames).toEqual([expect.objectContaining({ schema: expect.objectContaining({ refId: 'A', fields: [] }) })]);

    const bad = (async () => new Response(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }), { status: 400 })) as unknown as typeof fetch;
    const failed = await answerDsQuery({ from: String(from), to: String(to), queries: [{ refId: 'B', expr: 'x(', range: true, datasource: { uid: 'prom' } }] }, datasources, bad);
    expect(failed.status).toBe(400);
    expect(failed.body.results.B).toMatchObject({ status: 400, error: 'bad_data: parse error' });

    const loki = await answerDsQuery({ from: String(from), to: String(to), queries: [{ refId: 'A', expr: '{}', datasource: { uid: 'loki' } }] }, datasources, empty);
    expect(loki.body.results.A!.error).toContain('only Prometheus');
    const unknown = await answerDsQuery({ from: String(from), to: String(to), queries: [{ refId: 'A', expr: 'x', datasource: { uid: 'nope' } }] }, datasources, empty);
    expect(unknown.body.results.A).toMatchObject({ status: 404, error: 'data source not found: nope' });
  });
});
