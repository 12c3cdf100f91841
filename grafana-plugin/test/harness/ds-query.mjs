// The harness's stand-in for Grafana's data source query API (POST /api/ds/query) for Prometheus data
// sources: what Grafana's Prometheus backend (pkg/promlib) does with a range query, done here against a
// real Prometheus' HTTP API (/api/v1/query_range), and answered in Grafana's wire format (data frames
// JSON) so @grafana/runtime's DataSourceWithBackend reads it as it reads Grafana's answer.
//   - request: {from, to (epoch ms strings), queries: [{refId, expr, legendFormat, range, instant,
//     interval, intervalMs, maxDataPoints, intervalFactor, datasource: {type, uid}}]};
//   - step: promlib's calculatePrometheusInterval: the minimum interval (the query's `interval`, else its
//     intervalMs, else the data source's timeInterval, else 15s), the range over maxDataPoints rounded as
//     Grafana rounds intervals and never below that minimum, and never more than 11,000 points;
//   - $__interval, $__interval_ms, $__range, $__range_s, $__range_ms, $__rate_interval(_ms), also in
//     their ${...} form: promlib's InterpolateVariables ($__rate_interval = max(interval + scrape
//     interval, 4 x scrape interval), the scrape interval being the data source's timeInterval);
//   - start and end rounded down to a multiple of the step (AlignTimeRange);
//   - answer: {results: {<refId>: {status: 200, frames: [...]}}}, one "timeseries-multi" frame per
//     series (a Time field with config.interval = step, a Value field with the series' labels and
//     config.displayNameFromDS from legendFormat), an empty frame for no series; a failed query gets
//     {status, error} and the response is 400, as Grafana answers when a query failed.
// Only Prometheus data sources with range (or neither range nor instant) queries: what the app asks.

const SAFE_RESOLUTION = 11000;
const DEFAULT_SCRAPE = '15s';

/** Grafana's interval rounding (intervalv2 roundInterval): the nearest "nice" interval at or below. */
const ROUNDING = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10000],
  [17500, 15000],
  [25000, 20000],
  [45000, 30000],
  [90000, 60000],
  [210000, 120000],
  [450000, 300000],
  [750000, 600000],
  [1050000, 900000],
  [1500000, 1200000],
  [2700000, 1800000],
  [5400000, 3600000],
  [9000000, 7200000],
  [16200000, 10800000],
  [32400000, 21600000],
  [86400000, 43200000],
  [172800000, 86400000],
  [604800000, 86400000],
  [1814400000, 604800000],
];
export function roundInterval(ms) {
  for (const [limit, value] of ROUNDING) if (ms <= limit) return value;
  return ms < 3628800000 ? 2592000000 : 31536000000;
}

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31536000000 };
/** "15s", "1m", "500ms" in milliseconds (gtime.ParseIntervalStringToTimeDuration for plain intervals). */
export function parseInterval(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(String(text).trim());
  if (!m) throw new Error(`not an interval: ${text}`);
  return Number(m[1]) * UNITS[m[2]];
}

/** gtime.FormatInterval: the largest whole unit. */
export function formatInterval(ms) {
  for (const [unit, size] of [
    ['y', UNITS.y],
    ['d', UNITS.d],
    ['h', UNITS.h],
    ['m', UNITS.m],
    ['s', UNITS.s],
  ]) {
    if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  }
  return ms >= 1 ? `${Math.floor(ms)}ms` : '1ms';
}

/** Go's time.Duration.String(), which promlib writes for $__rate_interval: 4s, 1m0s, 1h2m3s, 500ms. */
export function goDuration(ms) {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = (ms % 60000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

const RATE_VARS = new Set(['$__rate_interval', '${__rate_interval}', '$__rate_interval_ms', '${__rate_interval_ms}']);
const VARIABLE_INTERVALS = new Set([...RATE_VARS, '$__interval', '${__interval}', '$__interval_ms', '${__interval_ms}']);

/** promlib's calculatePrometheusInterval: the step of a range query, in ms. */
export function stepFor(query, rangeMs, scrapeInterval) {
  const requested = query.interval ?? '';
  const own = VARIABLE_INTERVALS.has(requested) || requested === '0s' ? '' : requested;
  const minInterval = own ? parseInterval(own) : query.intervalMs ? Number(query.intervalMs) : parseInterval(scrapeInterval || DEFAULT_SCRAPE);
  const perPoint = rangeMs / (Number(query.maxDataPoints) || 1500);
  const calculated = perPoint < minInterval ? minInterval : roundInterval(perPoint);
  const adjusted = Math.max(calculated, roundInterval(rangeMs / SAFE_RESOLUTION));
  if (RATE_VARS.has(requested)) return rateInterval(adjusted, scrapeInterval);
  if (own) return parseInterval(own);
  return adjusted * (Number(query.intervalFactor) || 1);
}

function rateInterval(intervalMs, scrapeInterval) {
  const scrape = parseInterval(scrapeInterval || DEFAULT_SCRAPE);
  return Math.max(intervalMs + scrape, 4 * scrape);
}

/** promlib's InterpolateVariables. */
export function interpolate(expr, { intervalMs, stepMs, requestedMinStep, scrapeInterval, rangeMs }) {
  const rangeS = Math.round(rangeMs / 1000);
  let minStep = requestedMinStep ?? '';
  let rate;
  if (minStep === '$__rate_interval' || minStep === '${__rate_interval}') rate = stepMs;
  else {
    if (minStep === '$__interval' || minStep === '${__interval}') minStep = goDuration(stepMs);
    if (minStep === '') minStep = scrapeInterval;
    rate = rateInterval(intervalMs, minStep);
  }
  const pairs = [
    ['__interval_ms', String(Math.floor(stepMs))],
    ['__interval', formatInterval(stepMs)],
    ['__range_ms', String(rangeMs)],
    ['__range_s', String(rangeS)],
    ['__range', `${rangeS}s`],
    ['__rate_interval_ms', String(Math.floor(rate))],
    ['__rate_interval', goDuration(rate)],
  ];
  for (const [name, value] of pairs) expr = expr.split(`$${name}`).join(value).split(`\${${name}}`).join(value);
  return expr;
}

/** promlib's legend: {{label}} replaced by the label's value; no legend: the series' labels, or the expression. */
export function legendOf(legendFormat, labels, expr) {
  if (legendFormat === '__auto') return Object.keys(labels).length > 0 ? '' : expr;
  if (legendFormat) return legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name) => labels[name] ?? '');
  const { __name__: name = '', ...rest } = labels;
  const text = `${name}{${Object.entries(rest)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
  return text === '{}' ? expr : text;
}

function frameMeta(expr, stepMs) {
  return { type: 'timeseries-multi', typeVersion: [0, 1], custom: { resultType: 'matrix' }, executedQueryString: `Expr: ${expr}\nStep: ${formatInterval(stepMs)}` };
}

/** One series of a matrix result as a data frame in Grafana's JSON form. */
export function seriesFrame(refId, series, { expr, stepMs, legendFormat }) {
  const labels = { ...series.metric };
  const name = labels.__name__;
  const displayName = legendOf(legendFormat, labels, expr);
  return {
    schema: {
      refId,
      meta: frameMeta(expr, stepMs),
      fields: [
        { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' }, config: { interval: stepMs } },
        { name: name ?? 'Value', type: 'number', typeInfo: { frame: 'float64' }, labels, config: displayName ? { displayNameFromDS: displayName } : {} },
      ],
    },
    data: { values: [series.values.map(([t]) => Math.round(t * 1000)), series.values.map(([, v]) => Number(v))] },
  };
}

/**
 * Answers one POST /api/ds/query body. datasources: uid -> { type, url (Prometheus' base URL), jsonData }.
 * Returns { status, body }.
 */
export async function answerDsQuery(body, datasources, fetchImpl = fetch) {
  const from = Number(body?.from);
  const to = Number(body?.to);
  const results = {};
  let failed = false;
  for (const query of body?.queries ?? []) {
    const refId = query.refId ?? 'A';
    try {
      if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) throw Object.assign(new Error('invalid time range: from and to must be epoch milliseconds'), { status: 400 });
      const ds = datasources.get(query.datasource?.uid);
      if (!ds) throw Object.assign(new Error(`data source not found: ${query.datasource?.uid}`), { status: 404 });
      if (ds.type !== 'prometheus') throw Object.assign(new Error(`the harness queries only Prometheus data sources, not ${ds.type}`), { status: 400 });
      if (query.instant && !query.range) throw Object.assign(new Error('the harness runs range queries only'), { status: 400 });
      const scrapeInterval = ds.jsonData?.timeInterval || DEFAULT_SCRAPE;
      const rangeMs = to - from;
      const stepMs = stepFor(query, rangeMs, scrapeInterval);
      const expr = interpolate(String(query.expr ?? ''), { intervalMs: Number(query.intervalMs) || stepMs, stepMs, requestedMinStep: query.interval, scrapeInterval, rangeMs });
      const offset = (Number(query.utcOffsetSec) || 0) * 1000;
      const align = (t) => Math.floor((t + offset) / stepMs) * stepMs - offset;
      const params = new URLSearchParams({ query: expr, start: String(align(from) / 1000), end: String(align(to) / 1000), step: String(stepMs / 1000) });
      const res = await fetchImpl(`${ds.url.replace(/\/+$/, '')}/api/v1/query_range`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      });
      const answer = await res.json().catch(() => ({ status: 'error', error: `Prometheus answered ${res.status}` }));
      if (answer.status !== 'success') throw Object.assign(new Error(`${answer.errorType ? `${answer.errorType}: ` : ''}${answer.error}`), { status: res.status >= 400 ? res.status : 500 });
      const series = answer.data?.result ?? [];
      const frames = series.map((s) => seriesFrame(refId, s, { expr, stepMs, legendFormat: query.legendFormat ?? '' }));
      results[refId] = {
        status: 200,
        frames: frames.length > 0 ? frames : [{ schema: { refId, meta: frameMeta(expr, stepMs), fields: [] }, data: { values: [] } }],
      };
    } catch (err) {
      failed = true;
      results[refId] = { status: err.status ?? 500, error: String(err.message ?? err), errorSource: 'downstream' };
    }
  }
  return { status: failed ? 400 : 200, body: { results } };
}
