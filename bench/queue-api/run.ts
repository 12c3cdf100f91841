// Queue API latency: how long the admin API takes to answer a queue page, filtered pages and a scrape,
// with 1,000, 100,000 and 1,000,000 queued messages; how long clearing 100,000 takes; and what the
// listing's triggers cost the delivery path. Writes the "Queue API" section of BENCHMARKS.md.
//
//   npm run bench:queue                 # 1k, 100k and 1M (about 15 min, 3 GB of temporary disk)
//   npm run bench:queue -- --quick      # smoke test: 1k and 20k, 10 requests, prints only
//   npm run bench:queue -- --backend postgres   # the same queue copied into PostgreSQL (mailroom db copy)
//   npm run bench:queue -- --help
import path from 'node:path';
import { cleanupScope, makeTempDir, runMain } from '../smtp-throughput/proc.ts';
import { fillQueue, syntheticQueueId, type FillResult } from './fill.ts';
import { legacyPage, openReadOnly, type LegacyRequest } from './legacy.ts';
import { conditions, count, latency, loadAverage, mib, ms, rssBytes, table, type Latency } from './markdown.ts';
import { writeSection } from '../benchmarks-md.ts';
import { startMailroomServe, type RunningMailroom } from './server.ts';
import { measureWriteCost, type WriteCost } from './write-cost.ts';
import { buildServer } from '../build-server.ts';
import { createBenchDatabase } from '../smtp-throughput/postgres-database.ts';
import { MAILROOM_BIN } from './server.ts';
import { runCommand } from '../smtp-throughput/proc.ts';
import pg from 'pg';
import { defineOptions, readOptions, reproducibleArgs, type OptionValues } from '../options.ts';

const TITLES = { sqlite: '## Queue API', postgres: '## Queue API on PostgreSQL' } as const;
type Backend = keyof typeof TITLES;

const OPTIONS = defineOptions({
  usage: 'npm run bench:queue -- [options]',
  options: {
    sizes: { type: 'integers', value: 'A,B,C', default: [1000, 100_000, 1_000_000], quick: [1000, 20_000], help: 'queued messages per run' },
    requests: { type: 'integer', default: 50, quick: 10, help: 'timed requests per case, after 2 untimed ones' },
    'case-seconds': { type: 'integer', value: 'S', default: 20, help: 'stop a case after S seconds of timed requests, if it has 5' },
    'clear-sizes': { type: 'integers', value: 'A,B', default: [1000, 100_000], quick: [20_000], help: 'sizes at which DELETE /api/v1/queue is timed' },
    'legacy-max': { type: 'integer', min: 0, default: 100_000, quick: 20_000, help: 'also time the listing as it was before, in-process, up to this size' },
    'write-cost': { type: 'integer', min: 0, default: 2000, quick: 200, help: 'messages for the write-cost comparison (0 skips it)' },
    backend: {
      type: 'string',
      value: 'B',
      default: 'sqlite',
      help: "sqlite, or postgres: the filled queue is copied into a fresh database with `mailroom db copy` (MAILROOM_BENCH_PG_URL, default the machine's 127.0.0.1:5432); no 'before' or write cost there",
    },
    note: { type: 'string', help: 'a line about the conditions, shown above the table' },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test: 1000,20000; 10 requests; write cost 200; implies --no-write' },
  },
});

interface Options {
  backend: Backend;
  sizes: number[];
  requests: number;
  caseSeconds: number;
  clearSizes: number[];
  legacyMax: number;
  writeCost: number;
  note: string | undefined;
  write: boolean;
}

function toOptions(values: OptionValues<typeof OPTIONS.options>): Options {
  if (values.backend !== 'sqlite' && values.backend !== 'postgres') throw new Error(`--backend: sqlite or postgres, not ${values.backend}`);
  const postgres = values.backend === 'postgres';
  return {
    backend: values.backend,
    sizes: values.sizes,
    requests: values.requests,
    caseSeconds: values['case-seconds'],
    clearSizes: values['clear-sizes'],
    legacyMax: postgres ? 0 : values['legacy-max'],
    writeCost: postgres ? 0 : values['write-cost'],
    note: values.note,
    write: !values['no-write'],
  };
}

const log = (line: string) => process.stderr.write(`[bench:queue ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** One kind of request; `path` gets the queue size (for a deep page or a known queue id). */
interface Case {
  id: string;
  label: string;
  path: (size: number, now: number) => string;
  /** The same filter for the listing before the summary (page by creation only). */
  legacy?: LegacyRequest;
}

const CASES: Case[] = [
  { id: 'page', label: 'first page (`limit=50`, by creation)', path: () => '/api/v1/queue?limit=50', legacy: {} },
  { id: 'newest', label: 'newest first (`sort=-created`)', path: () => '/api/v1/queue?limit=50&sort=-created' },
  { id: 'deep', label: 'middle page (`offset=` half the queue)', path: (size) => `/api/v1/queue?limit=50&offset=${Math.floor(size / 2)}` },
  { id: 'next', label: 'by next attempt (`sort=next_attempt`)', path: () => '/api/v1/queue?limit=50&sort=next_attempt' },
  { id: 'attempts', label: 'most attempts (`sort=-attempts`)', path: () => '/api/v1/queue?limit=50&sort=-attempts' },
  { id: 'held', label: 'state filter, 5% of the queue (`state=held`)', path: () => '/api/v1/queue?limit=50&state=held', legacy: { state: 'held' } },
  { id: 'deferred', label: 'state filter, 55% (`state=deferred&sort=-created`)', path: () => '/api/v1/queue?limit=50&state=deferred&sort=-created' },
  { id: 'deferred-next', label: 'state filter and another sort (`state=deferred&sort=next_attempt`)', path: () => '/api/v1/queue?limit=50&state=deferred&sort=next_attempt' },
  { id: 'search-user', label: 'search one recipient (`search=user123@`)', path: () => '/api/v1/queue?limit=50&search=user123%40', legacy: { search: 'user123@' } },
  { id: 'search-domain', label: 'search a domain (`search=dest42.example`)', path: () => '/api/v1/queue?limit=50&search=dest42.example', legacy: { search: 'dest42.example' } },
  { id: 'search-state', label: 'search a domain and a state (`&state=deferred`)', path: () => '/api/v1/queue?limit=50&search=dest42.example&state=deferred' },
  {
    id: 'search-id',
    label: 'search a queue id (one message)',
    path: (size, now) => `/api/v1/queue?limit=50&search=${syntheticQueueId(now - size * 50 + Math.floor(size / 2) * 50, Math.floor(size / 2))}`,
  },
  { id: 'search-none', label: 'search that matches nothing (`search=nobody@nowhere`)', path: () => '/api/v1/queue?limit=50&search=nobody%40nowhere' },
  { id: 'search-broad', label: 'search that matches every message (`search=example`)', path: () => '/api/v1/queue?limit=50&search=example' },
  { id: 'metrics', label: 'Prometheus scrape (`GET /metrics`: queue gauges call the listing 5 times)', path: () => '/metrics' },
];

interface CaseResult {
  latency: Latency;
  total: number | null;
  capped: boolean;
}

interface SizeResult {
  size: number;
  fill: FillResult;
  cases: Record<string, CaseResult>;
  legacy: Record<string, { latency: Latency; total: number; capped: boolean }>;
  firstRequestMs: number;
  clear: { ms: number; removed: number } | null;
  serverRss: number | null;
}

async function timeCase(server: RunningMailroom, url: string, opts: Options): Promise<CaseResult> {
  let total: number | null = null;
  const once = async () => {
    const started = performance.now();
    const res = await server.admin(url);
    const body = await res.text();
    const elapsed = performance.now() - started;
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
    if (total === null && url.startsWith('/api/')) total = (JSON.parse(body) as { total: number }).total;
    return elapsed;
  };
  await once();
  await once();
  const samples: number[] = [];
  const deadline = performance.now() + opts.caseSeconds * 1000;
  while (samples.length < opts.requests && (samples.length < 5 || performance.now() < deadline)) samples.push(await once());
  return { latency: latency(samples), total, capped: samples.length < opts.requests };
}

function timeLegacy(file: string, req: LegacyRequest, opts: Options): { latency: Latency; total: number; capped: boolean } {
  const db = openReadOnly(file);
  try {
    const samples: number[] = [];
    let total = 0;
    const deadline = performance.now() + opts.caseSeconds * 1000;
    while (samples.length < opts.requests && (samples.length < 3 || performance.now() < deadline)) {
      const started = performance.now();
      total = legacyPage(db, req);
      samples.push(performance.now() - started);
    }
    return { latency: latency(samples), total, capped: samples.length < opts.requests };
  } finally {
    db.close();
  }
}

async function runSize(size: number, opts: Options): Promise<SizeResult> {
  return cleanupScope(async () => {
    const dir = makeTempDir(`mailroom-bench-queue-${size}-`);
    const file = path.join(dir, 'mailroom.db');
    const now = Date.now();
    log(`${count(size)} messages: filling ${file}...`);
    const fill = fillQueue(file, size, now);
    log(`  rows in ${fill.seconds.toFixed(1)} s, listing step in ${fill.indexSeconds.toFixed(1)} s, ${mib(fill.fileBytes)} MiB`);
    const legacy: SizeResult['legacy'] = {};
    if (size <= opts.legacyMax) {
      for (const c of CASES.filter((c) => c.legacy)) {
        legacy[c.id] = timeLegacy(file, c.legacy!, opts);
        log(`  before (in-process) ${c.id}: p50 ${ms(legacy[c.id]!.latency.p50)} ms (${legacy[c.id]!.latency.n} runs)`);
      }
    }
    let serveDir = dir;
    const env: Record<string, string> = { MAILROOM_SERVER_AUTOSTART: 'false' };
    if (opts.backend === 'postgres') {
      const database = await createBenchDatabase();
      const started = performance.now();
      await runCommand(process.execPath, [MAILROOM_BIN, 'db', 'copy', '--to', database.url], { env: { ...process.env, MAILROOM_DATA_DIR: dir }, timeoutMs: 3_600_000 });
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('VACUUM ANALYZE');
      await client.end();
      log(`  copied into PostgreSQL and vacuumed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      env.MAILROOM_DATABASE_URL = database.url;
      serveDir = makeTempDir('mailroom-bench-queue-pg-');
    }
    const server = await startMailroomServe({ dataDir: serveDir, env });
    const first = performance.now();
    const res = await server.admin('/api/v1/queue?limit=50');
    await res.text();
    const firstRequestMs = performance.now() - first;
    const cases: SizeResult['cases'] = {};
    for (const c of CASES) {
      cases[c.id] = await timeCase(server, c.path(size, now), opts);
      const r = cases[c.id]!;
      log(`  ${c.id}: p50 ${ms(r.latency.p50)} ms, p95 ${ms(r.latency.p95)} ms (${r.latency.n} requests${r.total === null ? '' : `, total ${r.total}`})`);
    }
    let clear: SizeResult['clear'] = null;
    if (opts.clearSizes.includes(size)) {
      const started = performance.now();
      const del = await server.admin('/api/v1/queue', { method: 'DELETE' });
      const body = (await del.json()) as { removed: number };
      clear = { ms: performance.now() - started, removed: body.removed };
      const after = (await (await server.admin('/api/v1/queue?limit=1')).json()) as { total: number };
      if (body.removed !== size || after.total !== 0) throw new Error(`DELETE /api/v1/queue removed ${body.removed} of ${size}; ${after.total} left`);
      log(`  DELETE /api/v1/queue: ${count(body.removed)} messages in ${ms(clear.ms)} ms`);
    }
    const serverRss = rssBytes(server.pid);
    await server.stop();
    return { size, fill, cases, legacy, firstRequestMs, clear, serverRss };
  });
}

function cell(r: CaseResult | undefined): string {
  if (!r) return 'n/a';
  return `${ms(r.latency.p50)} / ${ms(r.latency.p95)}${r.capped ? ` (${r.latency.n})` : ''}`;
}

/** Which requests meet the aim (a page in under 50 ms, p50) at the largest size, and the speed-up over "before". */
function verdict(results: SizeResult[]): string[] {
  const largest = results[results.length - 1];
  if (!largest) return [];
  const under = CASES.filter((c) => c.id !== 'metrics' && largest.cases[c.id] && largest.cases[c.id]!.latency.p50 < AIM_MS);
  const over = CASES.filter((c) => c.id !== 'metrics' && largest.cases[c.id] && largest.cases[c.id]!.latency.p50 >= AIM_MS);
  const lines = [`**Against the aim** (a page in under ${AIM_MS} ms with ${count(largest.size)} queued, p50):`, ''];
  lines.push(`- under: ${under.map((c) => c.label).join('; ') || 'none'}.`);
  if (over.length) {
    lines.push(
      `- over: ${over.map((c) => `${c.label} (${ms(largest.cases[c.id]!.latency.p50)} ms)`).join('; ')}.`,
      '  A search finds its matches in a trigram index (SQLite: FTS5, looked up by its rarest part and checked; PostgreSQL:',
      '  pg_trgm, GIN) and counts up to 1,000 of them; what stays slow is reading the lists of trigrams every row has.',
    );
  }
  const compared = [...results].reverse().find((r) => r.legacy.page && r.cases.page);
  if (compared) {
    lines.push(
      `- before this listing, a first page at ${count(compared.size)} messages took ${ms(compared.legacy.page!.latency.p50)} ms (SQL alone, in-process); now ${ms(compared.cases.page!.latency.p50)} ms through the API.`,
    );
  }
  lines.push('');
  return lines;
}

const AIM_MS = 50;

function render(opts: Options, results: SizeResult[], writeCost: WriteCost | null, startedAt: Date, loadBefore: string, command: string): string {
  const sizes = results.map((r) => r.size);
  const largest = results[results.length - 1];
  const lines: string[] = [
    TITLES[opts.backend],
    '',
    ...(opts.backend === 'postgres'
      ? [
          'The same queue and requests as "Queue API" above, with the store on PostgreSQL: the filled SQLite file copied with',
          "`mailroom db copy` into a fresh database on the machine's PostgreSQL 15 (default settings: 128 MB shared buffers),",
          'then `VACUUM ANALYZE`, then the server started on it.',
          '',
        ]
      : []),
    "Latency of the admin API's queue listing (`GET /api/v1/queue`, 50 messages a page) and of a Prometheus scrape, with",
    'the queue filled beforehand; the time to clear it (`DELETE /api/v1/queue`); and what keeping the listing fast costs',
    'each queued message. Each cell: p50 / p95 in ms over the timed requests (one client, sequential, keep-alive, full',
    'body read) after 2 untimed ones; a count in brackets when the case stopped early at its time limit.',
    '',
    ...(opts.note ? [`> ${opts.note}`, ''] : []),
    `Reproduce (from the repository root): \`${command}\`.`,
    '',
    ...verdict(results),
    ...table(
      ['request', ...sizes.map((s) => `${count(s)} queued`), `total at ${count(largest?.size ?? 0)}`],
      ['l', ...sizes.map(() => 'r' as const), 'r'],
      CASES.map((c) => [c.label, ...results.map((r) => cell(r.cases[c.id])), largest?.cases[c.id]?.total === null || !largest ? '' : count(largest.cases[c.id]!.total!)]),
    ),
    '',
  ];
  const legacySizes = results.filter((r) => Object.keys(r.legacy).length > 0);
  if (legacySizes.length > 0) {
    lines.push(
      '**Before** (the listing as of commit 801276b, its SQL run in-process on the same file: the count and the page query, without reading',
      'recipients or HTTP, so a lower bound of what the API took; not run above ' + count(opts.legacyMax) + ' messages):',
      '',
      ...table(
        ['request (before)', ...legacySizes.map((r) => `${count(r.size)} queued`)],
        ['l', ...legacySizes.map(() => 'r' as const)],
        CASES.filter((c) => c.legacy).map((c) => [
          c.label,
          ...legacySizes.map((r) =>
            r.legacy[c.id] ? `${ms(r.legacy[c.id]!.latency.p50)} / ${ms(r.legacy[c.id]!.latency.p95)}${r.legacy[c.id]!.capped ? ` (${r.legacy[c.id]!.latency.n})` : ''}` : 'n/a',
          ),
        ]),
      ),
      '',
    );
  }
  const cleared = results.filter((r) => r.clear);
  if (cleared.length > 0) {
    lines.push(
      ...table(
        ['`DELETE /api/v1/queue` (clear everything)', ...cleared.map((r) => `${count(r.size)} queued`)],
        ['l', ...cleared.map(() => 'r' as const)],
        [
          ['time to answer, ms (one request)', ...cleared.map((r) => ms(r.clear!.ms))],
          ['messages/s removed', ...cleared.map((r) => count((r.clear!.removed / r.clear!.ms) * 1000))],
        ],
      ),
      '',
    );
  }
  lines.push(
    ...table(
      ['queue database', ...sizes.map((s) => `${count(s)} queued`)],
      ['l', ...sizes.map(() => 'r' as const)],
      [
        ['recipients', ...results.map((r) => count(r.fill.recipients))],
        ['file size, MiB', ...results.map((r) => mib(r.fill.fileBytes))],
        ['fill: rows written, s', ...results.map((r) => r.fill.seconds.toFixed(1))],
        ['listing migration step applied to them, s', ...results.map((r) => r.fill.indexSeconds.toFixed(1))],
        ['first request after start, ms', ...results.map((r) => ms(r.firstRequestMs))],
        ['server RSS after the requests, MiB', ...results.map((r) => (r.serverRss === null ? 'n/a' : mib(r.serverRss)))],
      ],
    ),
    '',
  );
  if (writeCost) {
    lines.push(
      '**What it costs each queued message.** The summary and the per-state counts are kept by triggers in the transactions',
      'that queue, claim and finish a message. Measured through the store as the scheduler drives it (one remote recipient;',
      `enqueue, claim, record "delivered": three IMMEDIATE transactions, synchronous=FULL), ${count(writeCost.messages)} messages on a database`,
      `with ${count(writeCost.background)} other messages waiting, alternating blocks of 100 with and without the triggers (ms per message;`,
      `WAL checkpoints between blocks, untimed). Pages written to the WAL per message: ${writeCost.walPages.with.toFixed(1)} with, ${writeCost.walPages.without.toFixed(1)} without.`,
      '',
      ...table(
        ['transaction', 'with: p50 / p95 / mean', 'without: p50 / p95 / mean', 'p50 difference'],
        ['l', 'r', 'r', 'r'],
        [
          ...writeCost.ops.map((o) => [
            o.op,
            `${ms(o.with.p50)} / ${ms(o.with.p95)} / ${ms(o.with.mean)}`,
            `${ms(o.without.p50)} / ${ms(o.without.p95)} / ${ms(o.without.mean)}`,
            `+${ms(o.with.p50 - o.without.p50)}`,
          ]),
          [
            'all three',
            ms(writeCost.ops.reduce((a, o) => a + o.with.p50, 0)),
            ms(writeCost.ops.reduce((a, o) => a + o.without.p50, 0)),
            `+${ms(writeCost.ops.reduce((a, o) => a + o.with.p50 - o.without.p50, 0))}`,
          ],
        ],
      ),
      '',
    );
  }
  lines.push(
    ...conditions({
      startedAt,
      loadBefore,
      notes: [
        "Server: `node server/bin/mailroom.js serve` with MAILROOM_SERVER_AUTOSTART=false (admin port only: nothing drains the queue), MAILROOM_LOG_LEVEL=warn, on 127.0.0.1; the client is Node's fetch in the benchmark process.",
        "The queue (bench/queue-api/fill.ts): rows written straight into a fresh SQLite file opened with `openSqlite` (so the migrations apply), then the listing's migration step applied to them as to an existing queue. 55% of messages deferred (1 to 6 attempts, an error each), 40% queued, 5% held; 1 to 3 remote recipients (1.43 on average) among 20,000 users at 2,000 domains; 5,000 senders; 256-byte bodies.",
        'Deterministic: the same queue every run; "total" is what the API answered at the largest size.',
      ],
    }),
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  buildServer();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const results: SizeResult[] = [];
  for (const size of opts.sizes) results.push(await runSize(size, opts));
  let writeCost: WriteCost | null = null;
  if (opts.writeCost > 0) {
    log(`write cost: ${opts.writeCost} messages with and without the listing's triggers...`);
    writeCost = await cleanupScope(async () => measureWriteCost(makeTempDir('mailroom-bench-write-cost-'), 100_000, opts.writeCost));
    for (const o of writeCost.ops) log(`  ${o.op}: with ${ms(o.with.p50)} ms, without ${ms(o.without.p50)} ms (p50)`);
  }
  const args = reproducibleArgs(argv, ['note']);
  const command = `npm run bench:queue${args ? ` -- ${args}` : ''}`;
  const section = render(opts, results, writeCost, startedAt, loadBefore, command);
  process.stdout.write(`\n${section}\n`);
  if (opts.write) {
    writeSection(TITLES[opts.backend], section, log);
  }
  return 0;
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv, toOptions);
await runMain(main, log);
