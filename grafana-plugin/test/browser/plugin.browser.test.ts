// The built plugin (dist/module.js) in Debian's Chromium, loaded by the harness the way Grafana loads it,
// against a real `mailroom serve` through the harness's copy of Grafana's plugin proxy (dist/plugin.json's
// routes, tokens and roles). Every action is clicked in the page and checked through Mailroom's own admin
// API, not through what the page shows. Remote mail goes to an SMTP sink that answers 451, so injected
// messages stay deferred (retry schedule: an hour) until the test acts on them.
//
// Needs dist/ and test/harness/dist/ (see `npm run test:browser --workspace grafana-plugin`, which does
// not build them: run `npm run build` and `npm run harness:build` first). Without /usr/bin/chromium it
// prints SKIPPED and passes, unless CI=true. The unit-test config also matches this file; there it is
// skipped (only vitest.browser.config.ts sets MAILROOM_BROWSER_TEST).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testIds } from '../../src/testIds';

// MAILROOM_CHROMIUM only to try the missing-browser path; the test is written for Debian's chromium package.
const CHROMIUM = process.env.MAILROOM_CHROMIUM ?? '/usr/bin/chromium';
const PLUGIN_ID = 'mailroom-admin-app';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const PLUGIN_DIR = here('../..');
// What each test saw, for looking into a failure: always under .tmp/ (not tracked).
const SCREENSHOTS = path.join(PLUGIN_DIR, '.tmp', 'screenshots');
// The tracked screenshots (plugin.json's info.screenshots, the READMEs) change only when asked:
// `npm run screenshots --workspace grafana-plugin`. A plain test run writes them under .tmp/ as well, so
// `npm test` leaves the working tree clean.
const CATALOGUE_SHOTS = process.env.MAILROOM_UPDATE_SCREENSHOTS === '1' ? path.join(PLUGIN_DIR, 'src', 'img', 'screenshots') : path.join(PLUGIN_DIR, '.tmp', 'catalogue-screenshots');
const REQUIRED_BUILDS = [path.join(PLUGIN_DIR, 'dist/module.js'), path.join(PLUGIN_DIR, 'dist/plugin.json'), path.join(PLUGIN_DIR, 'test/harness/dist/shared.js')];

const ADMIN = 'browser-test-admin-token-aaaaaaaaaaaaaaaa';
const VIEWER = 'browser-test-viewer-token-vvvvvvvvvvvvvvv';
const OPERATOR = 'browser-test-operator-token-oooooooooooooo';

const inBrowserRun = process.env.MAILROOM_BROWSER_TEST === '1';
const haveChromium = fs.existsSync(CHROMIUM);
const runIt = inBrowserRun && (haveChromium || process.env.CI === 'true');
if (inBrowserRun && !haveChromium) {
  if (process.env.CI === 'true') console.error(`${CHROMIUM} is missing and CI=true: failing (install the chromium package).`);
  else console.log(`SKIPPED: ${CHROMIUM} is missing (apt-get install chromium); the plugin's browser test did not run.`);
}

// The server's test helpers are TypeScript with .ts imports that the plugin's tsconfig does not allow, so
// they are loaded at run time and typed here by what this test uses.
interface Mailroom {
  ports: { admin: number };
  dataDir: string;
  output: string;
  cli(...args: string[]): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): void;
  admin(pathname: string, init?: RequestInit): Promise<Response>;
}
interface Sink {
  port: number;
  rcptTries: Array<{ address: string; code: number }>;
  script(target: string, rule: { rcpt?: { code: number; message: string } } | undefined): void;
  close(): Promise<void>;
}
type PwPage = import('playwright-core').Page;
type PwContext = import('playwright-core').BrowserContext;

let mr: Mailroom;
let sink: Sink;
let harness: import('../harness/server.mjs').Harness;
let context: PwContext;
let page: PwPage;
let profileDir: string;
const pageErrors: string[] = [];
const ids: string[] = [];

const api = (pathname: string, method = 'GET', body?: unknown) =>
  mr.admin(pathname, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read loosely here; the assertions check their shape
const getJson = async <T = any>(pathname: string): Promise<T> => {
  const res = await api(pathname);
  expect(res.status, `GET ${pathname}`).toBe(200);
  return (await res.json()) as T;
};

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

const tid = (id: string) => `[data-testid="${id}"]`;
// @grafana/ui's ConfirmModal confirm button (selectors.pages.ConfirmModal.delete).
const CONFIRM = tid('data-testid Confirm Modal Danger Button');

async function open(route: string, readyTestId: string): Promise<void> {
  await page.goto(`${harness.url}/a/${PLUGIN_ID}/${route}`);
  await page.waitForFunction(() => document.body.dataset.harness === 'ready' || document.body.dataset.harness === 'failed', null, { timeout: 30_000 });
  expect(await page.evaluate(() => document.body.dataset.harness)).toBe('ready');
  await page.locator(tid(readyTestId)).first().waitFor({ timeout: 20_000 });
}

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe.runIf(runIt)('the Mailroom app in Chromium against a real Mailroom', () => {
  beforeAll(async () => {
    expect(haveChromium, `${CHROMIUM} is missing (CI=true)`).toBe(true);
    for (const f of REQUIRED_BUILDS) expect(fs.existsSync(f), `${f} is missing: run npm run build and npm run harness:build in grafana-plugin first`).toBe(true);

    const helpers = here('../../../server/test/helpers/');
    const { MailroomProcess } = await import(/* @vite-ignore */ path.join(helpers, 'mailroom.ts'));
    const { SmtpSink } = await import(/* @vite-ignore */ path.join(helpers, 'smtp-sink.ts'));
    sink = (await SmtpSink.start()) as Sink;
    sink.script('@remote.test', { rcpt: { code: 451, message: '4.3.0 Try again later' } });
    mr = (await MailroomProcess.create({
      env: {
        MAILROOM_ADMIN_TOKENS: `browser-admin:admin:${ADMIN},grafana-viewer:viewer:${VIEWER},grafana-operator:operator:${OPERATOR}`,
        MAILROOM_RELAY: `127.0.0.1:${sink.port}`,
        MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600',
        MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200',
      },
    })) as Mailroom;
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
    await mr.start();

    for (let i = 1; i <= 4; i++) {
      const res = await api('/api/v1/messages', 'POST', {
        from: 'alice@example.test',
        to: [`friend${i}@remote.test`],
        raw: `From: alice@example.test\r\nTo: friend${i}@remote.test\r\nSubject: browser test ${i}\r\nX-Browser-Test: ${i}\r\n\r\nHello ${i}\r\n`,
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Each has had its first attempt refused with 451 and waits an hour for the next.
    for (const id of ids)
      await until(
        `${id} to be deferred`,
        () => getJson(`/api/v1/queue/${id}`),
        (m) => m.state === 'deferred' && m.attempts >= 1,
      );

    harness = await startHarnessModule();
    const { chromium } = await import('playwright-core');
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await harness?.close();
    await mr?.stop();
    mr?.cleanup();
    await sink?.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  async function startHarnessModule() {
    const { startHarness } = await import('../harness/server.mjs');
    return startHarness({
      role: 'Editor',
      settings: { jsonData: { apiUrl: `http://127.0.0.1:${mr.ports.admin}` }, secureJsonData: { viewerToken: VIEWER, operatorToken: OPERATOR, adminToken: ADMIN } },
    });
  }

  it('Server: Stop (confirmed) stops the server, Start starts it again', async () => {
    await open('server', testIds.server.state);
    await expect.poll(() => page.locator(tid(testIds.server.state)).textContent()).toMatch(/running/i);
    expect((await getJson('/api/v1/server')).running).toBe(true);

    await page.click(tid(testIds.server.stop));
    await page.click(CONFIRM);
    await until(
      'the server to stop',
      () => getJson('/api/v1/server'),
      (s) => s.running === false,
    );
    await expect.poll(() => page.locator(tid(testIds.server.state)).textContent()).toMatch(/stopped/i);

    await page.click(tid(testIds.server.start));
    await until(
      'the server to start',
      () => getJson('/api/v1/server'),
      (s) => s.running === true,
    );
    await expect.poll(() => page.locator(tid(testIds.server.state)).textContent()).toMatch(/running/i);
    await shot('server');
  });

  it('Warnings: Recheck runs the self-test again', async () => {
    const before = (await getJson('/api/v1/warnings')).checkedAt;
    await open('warnings', testIds.warnings.checkedAt);
    await new Promise((r) => setTimeout(r, 50));
    await page.click(tid(testIds.warnings.recheck));
    await until(
      'checkedAt to change',
      () => getJson('/api/v1/warnings'),
      (w) => w.checkedAt !== before && w.checkedAt !== null,
    );
    await shot('warnings');
  });

  it('Queue: show, send now, hold, remove and clear act on the real queue', async () => {
    const [first, second, third] = ids as [string, string, string];
    await open('queue', testIds.queue.table);
    for (const id of ids) await page.locator(tid(testIds.queue.row(id))).waitFor();
    await shot('queue');

    // Show: the drawer with the message's headers.
    await page.click(tid(testIds.queue.rowAction('show', first)));
    const headers = page.locator(tid(testIds.message.headers));
    await headers.waitFor();
    await expect.poll(() => headers.textContent()).toContain('browser test 1');
    await page.keyboard.press('Escape');
    await page.locator(tid(testIds.message.drawer)).waitFor({ state: 'detached' });

    // Send now: another delivery attempt (the sink refuses it again) long before the hour is up.
    const attemptsBefore = (await getJson(`/api/v1/queue/${first}`)).attempts as number;
    const triesBefore = sink.rcptTries.filter((t) => t.address === 'friend1@remote.test').length;
    await page.click(tid(testIds.queue.rowAction('send-now', first)));
    await until(
      'a new attempt',
      () => getJson(`/api/v1/queue/${first}`),
      (m) => m.attempts > attemptsBefore && m.state === 'deferred',
    );
    expect(sink.rcptTries.filter((t) => t.address === 'friend1@remote.test').length).toBeGreaterThan(triesBefore);

    // Hold.
    await page.locator(tid(testIds.queue.rowAction('hold', second))).click();
    await until(
      'the message to be held',
      () => getJson(`/api/v1/queue/${second}`),
      (m) => m.held === true,
    );
    await page.locator(tid(testIds.queue.rowAction('release', second))).waitFor();

    // Remove (confirmed).
    await page.locator(tid(testIds.queue.rowAction('remove', third))).click();
    await page.click(CONFIRM);
    await until(
      'the message to be gone',
      async () => (await api(`/api/v1/queue/${third}`)).status,
      (s) => s === 404,
    );
    await page.locator(tid(testIds.queue.row(third))).waitFor({ state: 'detached' });

    // Clear the queue (confirmed): everything left, the held message included.
    expect((await getJson('/api/v1/queue?limit=10')).total).toBe(3);
    await page.locator(tid(testIds.queue.clear)).click();
    await page.click(CONFIRM);
    await until(
      'an empty queue',
      () => getJson('/api/v1/queue?limit=10'),
      (q) => q.total === 0,
    );
    await page.locator(tid(testIds.queue.empty)).waitFor();
  });

  it('Live log: the page renders and connects to the stream', async () => {
    await open('live-log', testIds.liveLog.container);
    const status = page.locator(tid(testIds.liveLog.status));
    await expect.poll(() => status.textContent()).toContain('Stopped');
    await page.click(tid(testIds.liveLog.start));
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Streaming');
    // Something for the log to show: a recheck and a message that the sink defers.
    expect((await api('/api/v1/warnings/recheck', 'POST')).status).toBe(200);
    const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: ['friend5@remote.test'], raw: 'Subject: for the live log\r\n\r\nhi\r\n' });
    expect(res.status).toBe(201);
    await page.locator(tid(testIds.liveLog.line)).first().waitFor({ timeout: 15_000 });
    await shot('live-log');
  });

  it('as a Grafana Viewer, a POST through the plugin proxy is refused and changes nothing', async () => {
    await page.goto(`${harness.url}/harness/login?role=Viewer&next=/a/${PLUGIN_ID}/server`);
    await page.locator(tid(testIds.server.state)).waitFor({ timeout: 30_000 });
    const status = await page.evaluate(async (url) => (await fetch(url, { method: 'POST' })).status, `/api/plugin-proxy/${PLUGIN_ID}/api/v1/server/stop`);
    expect(status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect((await getJson('/api/v1/server')).running).toBe(true);
  });

  it('every page fits 1280x800 and 1920x1080 with no horizontal page scroll', async () => {
    const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: ['friend7@remote.test'], raw: 'Subject: layout\r\n\r\nhi\r\n' });
    expect(res.status).toBe(201);
    const pages: Array<[string, string]> = [
      ['server', testIds.server.state],
      ['warnings', testIds.warnings.container],
      ['queue', testIds.queue.container],
      ['live-log', testIds.liveLog.container],
    ];
    try {
      for (const size of [
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size);
        for (const [route, ready] of pages) {
          await open(route, ready);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${route} at ${size.width}x${size.height} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
        }
      }
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('a Grafana Viewer sees no content tab and gets 403 from both content routes', async () => {
    const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: ['friend6@remote.test'], raw: 'Subject: private\r\n\r\nsecret body\r\n' });
    const { id } = (await res.json()) as { id: string };
    await until(
      `${id} to be deferred`,
      () => getJson(`/api/v1/queue/${id}`),
      (m) => m.state === 'deferred',
    );
    await page.goto(`${harness.url}/harness/login?role=Viewer&next=/a/${PLUGIN_ID}/queue`);
    await page.locator(tid(testIds.queue.row(id))).waitFor({ timeout: 30_000 });
    expect(await page.locator(tid(testIds.queue.rowAction('remove', id))).count()).toBe(0);
    await page.click(tid(testIds.queue.rowAction('show', id)));
    await page.locator(tid(testIds.message.recipients)).waitFor();
    for (const tab of ['headers', 'text', 'attachments', 'raw']) expect(await page.locator(tid(testIds.message.tab(tab))).count(), tab).toBe(0);
    await page.keyboard.press('Escape');
    const statuses = await page.evaluate(
      async (urls) => Promise.all(urls.map(async (u) => (await fetch(u)).status)),
      [`/api/plugin-proxy/${PLUGIN_ID}/api/v1/queue-content/${id}/content`, `/api/plugin-proxy/${PLUGIN_ID}/api/v1/queue/${id}/content?format=parsed`],
    );
    // Grafana refuses the content route (reqRole Editor); through the envelope route Mailroom refuses the viewer token.
    expect(statuses).toEqual([403, 403]);
  });

  // --- Live log layout and the catalogue screenshots (issue 17) ---
  async function openAs(role: string, route: string, readyTestId: string, theme: 'dark' | 'light' = 'dark'): Promise<void> {
    await page.goto(`${harness.url}/harness/login?role=${role}&next=${encodeURIComponent(`/a/${PLUGIN_ID}/${route}?theme=${theme}`)}`);
    await page.waitForFunction(() => document.body.dataset.harness === 'ready' || document.body.dataset.harness === 'failed', null, { timeout: 30_000 });
    expect(await page.evaluate(() => document.body.dataset.harness)).toBe('ready');
    await page.locator(tid(readyTestId)).first().waitFor({ timeout: 20_000 });
  }

  /** Starts the live log and makes Mailroom log something: a recheck and a message the sink defers. */
  async function streamSomeLines(): Promise<void> {
    await page.click(tid(testIds.liveLog.start));
    await expect.poll(() => page.locator(tid(testIds.liveLog.status)).textContent(), { timeout: 15_000 }).toContain('Streaming');
    expect((await api('/api/v1/warnings/recheck', 'POST')).status).toBe(200);
    const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: ['friend8@remote.test'], raw: 'Subject: for the live log\r\n\r\nhi\r\n' });
    expect(res.status).toBe(201);
    await expect.poll(() => page.locator(tid(testIds.liveLog.line)).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  }

  it('Live log: columns line up, words are never broken, rows do not overlap, and the two control boxes are apart', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await openAs('Admin', 'live-log', testIds.liveLog.container);
      await streamSomeLines();
      const layout = await page.evaluate(
        ([lineId, linesId]) => {
          const rows = Array.from(document.querySelectorAll(`[data-testid="${lineId}"]`)) as HTMLElement[];
          // The column headings sit just above the scrolling box and must line up with the rows too.
          const header = document.querySelector(`[data-testid="${linesId}"]`)!.previousElementSibling!;
          const cells = [header, ...rows].map((r) => Array.from(r.children).map((c) => Math.round(c.getBoundingClientRect().left)));
          const msg = rows[0]!.children[3] as HTMLElement;
          const style = getComputedStyle(msg);
          const boxes = rows.map((r) => r.getBoundingClientRect()).sort((a, b) => a.top - b.top);
          const overlaps = boxes.slice(1).filter((b, i) => b.top < boxes[i]!.bottom - 1).length;
          return {
            columns: [0, 1, 2, 3].map((i) => new Set(cells.map((c) => c[i])).size),
            wordBreak: style.wordBreak,
            overflowWrap: style.overflowWrap,
            whiteSpace: style.whiteSpace,
            timeFont: getComputedStyle(rows[0]!.children[0]!).fontFamily,
            overlaps,
          };
        },
        [testIds.liveLog.line, testIds.liveLog.lines],
      );
      expect(layout.columns, 'each column starts at one x in the header and every row').toEqual([1, 1, 1, 1]);
      expect(layout.wordBreak).toBe('normal');
      expect(layout.overflowWrap).toBe('normal');
      expect(layout.whiteSpace).toBe('pre-wrap');
      expect(layout.timeFont).toMatch(/mono/i);
      expect(layout.overlaps).toBe(0);
      // The server's switches and the view filter: two boxes side by side, neither inside the other.
      const server = await page.locator(tid(testIds.liveLog.serverLogging)).boundingBox();
      const view = await page.locator(tid(testIds.liveLog.viewFilter)).boundingBox();
      expect(server!.x + server!.width).toBeLessThanOrEqual(view!.x);
      await page.click(tid(testIds.liveLog.stop));
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('Live log: a token wider than its column stays whole on one line and scrolls inside its row, not the page', async () => {
    // 8 + 63 + 1 + 63 + 5 characters without a space: far wider than the message column at 1280 px.
    const sender = `someone@${'a'.repeat(63)}.${'b'.repeat(63)}.test`;
    await page.setViewportSize({ width: 1280, height: 800 });
    expect((await api('/api/v1/logging', 'PUT', { categories: { smtp: true } })).status).toBe(200);
    try {
      await openAs('Admin', 'live-log', testIds.liveLog.container);
      await streamSomeLines();
      const { sendMail } = await import(/* @vite-ignore */ here('../../../server/test/helpers/send.ts'));
      const port = (mr.ports as unknown as { smtp: number }).smtp;
      // Accepted or refused, the MAIL FROM command is logged with the address in it.
      await sendMail({ port, from: sender, to: ['alice@example.test'], content: 'Subject: long\r\n\r\nhi\r\n', starttls: false }).catch(() => undefined);
      await page.locator(tid(testIds.liveLog.message), { hasText: sender }).first().waitFor({ timeout: 15_000 });
      const seen = await page.evaluate(
        ([messageId, token]) => {
          const cell = Array.from(document.querySelectorAll(`[data-testid="${messageId}"]`)).find((c) => c.textContent!.includes(token)) as HTMLElement;
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          let node: Node | null;
          while ((node = walker.nextNode()) && !node.textContent!.includes(token));
          const range = document.createRange();
          const at = node!.textContent!.indexOf(token);
          range.setStart(node!, at);
          range.setEnd(node!, at + token.length);
          return {
            lines: new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size,
            scrollsInside: cell.scrollWidth > cell.clientWidth,
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          };
        },
        [testIds.liveLog.message, sender] as const,
      );
      expect(seen.lines, 'the address is on one line, not broken').toBe(1);
      expect(seen.scrollsInside).toBe(true);
      expect(seen.pageOverflow).toBeLessThanOrEqual(0);
      await page.click(tid(testIds.liveLog.stop));
    } finally {
      expect((await api('/api/v1/logging', 'PUT', { categories: { smtp: false } })).status).toBe(200);
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  /** The live log with an SMTP session in it too (the smtp switch is on while the page is open). */
  async function streamWithASession(): Promise<void> {
    await streamSomeLines();
    const { sendMail } = await import(/* @vite-ignore */ here('../../../server/test/helpers/send.ts'));
    const port = (mr.ports as unknown as { smtp: number }).smtp;
    await sendMail({ port, from: 'someone@elsewhere.test', to: ['alice@example.test'], content: 'Subject: hello\r\n\r\nhi\r\n', starttls: false });
    await page
      .locator(`${tid(testIds.liveLog.line)} button`)
      .first()
      .waitFor({ timeout: 15_000 });
  }

  it('catalogue screenshots: every page at 1280x800 in the dark and the light theme', async () => {
    fs.mkdirSync(CATALOGUE_SHOTS, { recursive: true });
    // Something in the queue to show.
    for (const n of [9, 10]) {
      const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: [`friend${n}@remote.test`], raw: `Subject: report ${n}\r\n\r\nhi\r\n` });
      expect(res.status).toBe(201);
    }
    const pages: Array<[string, string]> = [
      ['server', testIds.server.state],
      ['warnings', testIds.warnings.container],
      ['queue', testIds.queue.table],
      ['live-log', testIds.liveLog.container],
    ];
    await page.setViewportSize({ width: 1280, height: 800 });
    // SMTP sessions in the live log, and its switch shown on; set back below.
    expect((await api('/api/v1/logging', 'PUT', { categories: { smtp: true } })).status).toBe(200);
    try {
      for (const theme of ['dark', 'light'] as const) {
        for (const [route, ready] of pages) {
          await openAs('Admin', route, ready, theme);
          if (route === 'live-log') await streamWithASession();
          // Fonts and the theme's styles settle before the picture.
          await page.evaluate(() => document.fonts.ready);
          const file = path.join(CATALOGUE_SHOTS, `${route}-${theme}.png`);
          await page.screenshot({ path: file });
          const png = fs.readFileSync(file);
          expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([1280, 800]);
          if (route === 'live-log') await page.click(tid(testIds.liveLog.stop));
        }
      }
    } finally {
      expect((await api('/api/v1/logging', 'PUT', { categories: { smtp: false } })).status).toBe(200);
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });
  // --- end of issue 17 block ---

  // Trace page: where three messages went, from the history Mailroom keeps after they leave the queue.
  it('Trace: the timeline of a delivered, a bounced and a deferred message', async () => {
    sink.script('@bounce.test', { rcpt: { code: 550, message: '5.1.1 No such user' } });
    const submit = async (to: string) => {
      const res = await api('/api/v1/messages', 'POST', { from: 'alice@example.test', to: [to], raw: `From: alice@example.test\r\nTo: ${to}\r\nSubject: trace\r\n\r\nhi\r\n` });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const delivered = await submit('friend@ok.test');
    const bounced = await submit('nobody@bounce.test');
    const deferred = await submit('later@remote.test');
    for (const [id, state] of [
      [delivered, 'delivered'],
      [bounced, 'bounced'],
      [deferred, 'deferred'],
    ] as const)
      await until(
        `${id} ${state}`,
        () => getJson(`/api/v1/trace/${id}`),
        (t) => t.recipients?.[0]?.state === state,
      );
    const timelineOf = async (id: string) => {
      await open(`trace?search=${id}&id=${id}`, 'data-testid trace-timeline');
      return (await page.locator(tid('data-testid trace-timeline')).innerText()).replace(/\s+/g, ' ');
    };
    const d = await timelineOf(delivered);
    expect(d).toMatch(/Accepted/);
    expect(d).toMatch(/Delivered: friend@ok\.test/);
    expect(d).toMatch(/250/);
    expect(d).toMatch(/Left the queue/);
    await shot('trace-delivered');
    const b = await timelineOf(bounced);
    expect(b).toMatch(/Bounced: nobody@bounce\.test/);
    expect(b).toMatch(/550 5\.1\.1 No such user/);
    expect(b).toMatch(/Left the queue/);
    const q = await timelineOf(deferred);
    expect(q).toMatch(/Deferred: later@remote\.test/);
    expect(q).toMatch(/451 4\.3\.0 Try again later/);
    expect(q).not.toMatch(/Left the queue/);
    // The list beside it finds the message by its id, and says it is still queued.
    expect(await page.locator(tid(`data-testid trace-result-${deferred}`)).innerText()).toMatch(/queued/);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

// Trend panels (Scenes) against a real Prometheus scraping a real Mailroom. The harness stands in for
// Grafana's data source service and /api/ds/query (test/harness/README.md); the queries, the time range and
// the panels are the plugin's own, with Scenes bundled in dist/. Also the app before it is configured and
// the configuration page's data source pickers. Its own Mailroom, Prometheus, harness and browser, so it
// shares nothing with the tests above.
const PROMETHEUS = process.env.MAILROOM_PROMETHEUS ?? '/usr/bin/prometheus';
const havePrometheus = fs.existsSync(PROMETHEUS);
const runTrends = runIt && (havePrometheus || process.env.CI === 'true');
if (runIt && !havePrometheus) {
  if (process.env.CI === 'true') console.error(`${PROMETHEUS} is missing and CI=true: failing (install the prometheus package).`);
  else console.log(`SKIPPED: ${PROMETHEUS} is missing (apt-get install prometheus); the trend panel browser test did not run.`);
}

interface Prometheus {
  port: number;
  waitForValue(expr: string, ok: (v: number) => boolean, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}
interface DsQueryBody {
  from: string;
  to: string;
  queries: Array<{ refId: string; expr: string; datasource?: { type?: string; uid?: string } }>;
}

describe.runIf(runTrends)('trend panels from a real Prometheus, and the app before it is configured', () => {
  const PROM_UID = 'mailroom-prometheus';
  let node: Mailroom;
  let prom: Prometheus;
  let trendsHarness: import('../harness/server.mjs').Harness;
  let bare: import('../harness/server.mjs').Harness;
  let ctx: PwContext;
  let tab: PwPage;
  let profile: string;
  const errors: string[] = [];
  const dsQueries: DsQueryBody[] = [];

  const tadmin = (pathname: string, method = 'GET', body?: unknown) =>
    node.admin(pathname, { method, headers: { Authorization: `Bearer ${ADMIN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const panel = (title: string) => tab.locator(tid(`data-testid Panel header ${title}`));

  async function visit(base: string, route: string, readyTestId: string): Promise<void> {
    await tab.goto(`${base}${route}`);
    await tab.waitForFunction(() => document.body.dataset.harness === 'ready' || document.body.dataset.harness === 'failed', null, { timeout: 30_000 });
    expect(await tab.evaluate(() => document.body.dataset.harness)).toBe('ready');
    await tab.locator(tid(readyTestId)).first().waitFor({ timeout: 20_000 });
  }

  /** Waits until the panel shows every one of `texts` (legend entries or a value) and no "No data". */
  async function drawn(title: string, texts: Array<string | RegExp>): Promise<string> {
    const p = panel(title);
    await p.waitFor({ timeout: 20_000 });
    // Polls the panel's text, so a failure shows what the panel said.
    await expect
      .poll(async () => (await p.textContent()) ?? '', { timeout: 30_000 })
      .toSatisfy((text: string) => !text.includes('No data') && texts.every((t) => (typeof t === 'string' ? text.includes(t) : t.test(text))));
    return (await p.textContent()) ?? '';
  }

  beforeAll(async () => {
    for (const f of REQUIRED_BUILDS) expect(fs.existsSync(f), `${f} is missing: run npm run build and npm run harness:build in grafana-plugin first`).toBe(true);
    const helpers = here('../../../server/test/helpers/');
    const { MailroomProcess } = await import(/* @vite-ignore */ path.join(helpers, 'mailroom.ts'));
    const { PrometheusProcess } = await import(/* @vite-ignore */ path.join(helpers, 'prometheus.ts'));
    // Remote mail goes to a closed port: it stays deferred for an hour, so the queue has a state to draw.
    node = (await MailroomProcess.create({
      env: {
        MAILROOM_ADMIN_TOKENS: `browser-admin:admin:${ADMIN},grafana-viewer:viewer:${VIEWER},grafana-operator:operator:${OPERATOR}`,
        MAILROOM_RELAY: '127.0.0.1:9',
        MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600',
        MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200',
      },
    })) as Mailroom;
    await node.cli('domain', 'add', 'example.test');
    await node.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
    await node.start();
    prom = (await PrometheusProcess.start([`127.0.0.1:${node.ports.admin}`])) as Prometheus;
    await prom.waitForValue('count(mailroom_sessions)', (v) => v >= 4);
    for (const to of ['alice@example.test', 'alice@example.test', 'someone@remote.test']) {
      const res = await tadmin('/api/v1/messages', 'POST', { from: 'alice@example.test', to: [to], raw: `Subject: trend\r\n\r\nhi ${to}\r\n` });
      expect(res.status).toBe(201);
    }
    // Two scrapes after the messages: rate() over the panels' $__rate_interval has something to say.
    await prom.waitForValue('sum(rate(mailroom_messages_processed_total[5s]))', (v) => v > 0);
    await prom.waitForValue('max(mailroom_queue_messages{state="deferred"})', (v) => v >= 1);
    // Fifteen seconds of history: the panels' range ends on a multiple of their step (5 s) and each rate()
    // point needs two samples in its window, so younger data could leave every point of a panel empty.
    await prom.waitForValue('count_over_time(up[1m])', (v) => v >= 15);

    const { startHarness } = await import('../harness/server.mjs');
    const datasources = [
      { uid: PROM_UID, name: 'Mailroom Prometheus', type: 'prometheus' as const, url: `http://127.0.0.1:${prom.port}`, jsonData: { timeInterval: '1s' } },
      { uid: 'mailroom-loki', name: 'Mailroom Loki', type: 'loki' as const, url: 'http://127.0.0.1:9' },
    ];
    trendsHarness = await startHarness({
      role: 'Admin',
      settings: {
        jsonData: { apiUrl: `http://127.0.0.1:${node.ports.admin}`, prometheusDatasourceUid: PROM_UID },
        secureJsonData: { viewerToken: VIEWER, operatorToken: OPERATOR, adminToken: ADMIN },
      },
      datasources,
    });
    bare = await startHarness({ role: 'Admin', settings: null, datasources });

    const { chromium } = await import('playwright-core');
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    tab = ctx.pages()[0] ?? (await ctx.newPage());
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/ds/query') dsQueries.push(JSON.parse(r.postData() ?? '{}') as DsQueryBody);
    });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
    await trendsHarness?.close();
    await bare?.close();
    await prom?.stop();
    await node?.stop();
    node?.cleanup();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('Server: the panels draw messages processed, viruses and spam, and sessions per protocol from Prometheus', async () => {
    await visit(trendsHarness.url, `/a/${PLUGIN_ID}/server`, testIds.trends.container('server'));
    // Legend entries are series that came back: api is where the messages came in, one line per protocol.
    await drawn('Messages processed by source', ['api']);
    await drawn('Viruses and spam', ['viruses', 'spam: tag']);
    await drawn('Open sessions by protocol', ['smtp', 'submission', 'pop3', 'imap']);
    expect(await tab.locator(`${tid(testIds.trends.container('server'))} canvas`).count()).toBeGreaterThanOrEqual(3);
    // The queries went to the configured data source, with the dashboard's PromQL as written.
    const exprs = dsQueries.flatMap((b) => b.queries);
    expect(new Set(exprs.map((q) => q.datasource?.uid))).toEqual(new Set([PROM_UID]));
    expect(exprs.map((q) => q.expr)).toContain('sum by (protocol) (mailroom_sessions)');
    expect(exprs.map((q) => q.expr)).toContain('sum by (source) (rate(mailroom_messages_processed_total[$__rate_interval]))');
    // The picked range: the last hour, then the last 5 minutes from the time picker.
    const lastRange = () => {
      const b = dsQueries[dsQueries.length - 1]!;
      return Number(b.to) - Number(b.from);
    };
    expect(lastRange()).toBe(3_600_000);
    const asked = dsQueries.length;
    await tab.click(tid('data-testid TimePicker Open Button'));
    await tab.getByText('Last 5 minutes').click();
    await expect.poll(() => dsQueries.length > asked && lastRange() === 300_000, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => new URL(tab.url()).searchParams.get('from')).toBe('now-5m');
    await drawn('Open sessions by protocol', ['smtp', 'imap']);
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'server-trends.png'), fullPage: true });
  });

  it('Server: a queue card counts the queue by state and gives the oldest message its age', async () => {
    await visit(trendsHarness.url, `/a/${PLUGIN_ID}/server`, testIds.server.queueSummary);
    const card = tab.locator(tid(testIds.server.queueSummary));
    await expect.poll(() => card.textContent()).toMatch(/Deferred1/);
    expect(await card.textContent()).toMatch(/Oldest message\d/);
  });

  it('Queue: the panels draw the queue by state and the age of its oldest message', async () => {
    await visit(trendsHarness.url, `/a/${PLUGIN_ID}/queue`, testIds.trends.container('queue'));
    await drawn('Queue by state', ['queued', 'deferred', 'held', 'in_flight']);
    const oldest = await drawn('Oldest message', [/\d+(\.\d+)?\s*(s|min)/]);
    expect(oldest).not.toContain('No data');
    await tab.locator(tid(testIds.queue.container)).waitFor();
  });

  it('the pages with their panels fit 1280x800 and 1920x1080 with no horizontal page scroll', async () => {
    try {
      for (const size of [
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
      ]) {
        await tab.setViewportSize(size);
        for (const [route, title] of [
          ['server', 'Open sessions by protocol'],
          ['queue', 'Oldest message'],
        ] as const) {
          await visit(trendsHarness.url, `/a/${PLUGIN_ID}/${route}`, testIds.trends.container(route));
          await panel(title).waitFor();
          const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${route} at ${size.width}x${size.height} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
        }
      }
    } finally {
      await tab.setViewportSize({ width: 1400, height: 900 });
    }
  });

  // The catalogue pictures of the two pages with panels are taken here, where a Prometheus feeds them (the
  // first block's harness has none, and its pictures of these pages would show the data source hint).
  it('catalogue screenshots of the Server and Queue pages with their panels drawn, dark and light', async () => {
    fs.mkdirSync(CATALOGUE_SHOTS, { recursive: true });
    await tab.setViewportSize({ width: 1280, height: 800 });
    try {
      for (const theme of ['dark', 'light'] as const) {
        for (const [route, title, texts] of [
          ['server', 'Open sessions by protocol', ['imap']],
          ['queue', 'Queue by state', ['deferred']],
        ] as const) {
          await visit(trendsHarness.url, `/a/${PLUGIN_ID}/${route}?theme=${theme}`, testIds.trends.container(route));
          await drawn(title, [...texts]);
          await tab.evaluate(() => document.fonts.ready);
          const file = path.join(CATALOGUE_SHOTS, `${route}-${theme}.png`);
          await tab.screenshot({ path: file });
          const png = fs.readFileSync(file);
          expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([1280, 800]);
        }
      }
    } finally {
      await tab.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it("the configuration page picks the Loki data source with Grafana's picker and saves its uid", async () => {
    await visit(trendsHarness.url, `/plugins/${PLUGIN_ID}`, testIds.appConfig.container);
    expect(await tab.locator(tid(testIds.appConfig.prometheusUid)).textContent()).toContain('Mailroom Prometheus');
    await tab.locator(`${tid(testIds.appConfig.lokiUid)} input`).click();
    await tab.getByText('Mailroom Loki', { exact: true }).click();
    await tab.click(tid(testIds.appConfig.save));
    await tab.locator(tid(testIds.appConfig.saved)).waitFor();
    expect(trendsHarness.getSettings()?.jsonData).toEqual({ apiUrl: `http://127.0.0.1:${node.ports.admin}`, prometheusDatasourceUid: PROM_UID, lokiDatasourceUid: 'mailroom-loki' });
  });

  it('before the app is configured, every page says so in one sentence whose link opens the configuration page', async () => {
    for (const route of ['server', 'warnings', 'queue', 'live-log', 'trace']) {
      await visit(bare.url, `/a/${PLUGIN_ID}/${route}`, testIds.unconfigured);
      const text = await tab.locator(tid(testIds.unconfigured)).textContent();
      expect(text).toMatch(/^The Mailroom app is not configured yet \(it has no API URL and no viewer token\): .*configuration page\.$/);
      expect(await tab.locator('body').textContent()).not.toContain('Failed to fetch plugin settings');
    }
    await tab.getByRole('link', { name: /configuration page/ }).click();
    await tab.locator(tid(testIds.appConfig.container)).waitFor({ timeout: 20_000 });
    expect(new URL(tab.url()).pathname).toBe(`/plugins/${PLUGIN_ID}`);
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
