import React from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PluginContextProvider, PluginType, type AppPluginMeta } from '@grafana/data';
import LiveLog from './LiveLog';
import { PROXY_BASE } from '../constants';
import { FakeBackend } from '../test/fakeBackend';
import { FakeEventSource } from '../test/fakeEventSource';
import { isDisabled, renderWithGrafana, setOrgRole } from '../test/render';
import { testIds } from '../testIds';

const allOn = { smtp: true, submission: true, pop3: true, imap: true, tcpip: true, delivery: true, application: true, debug: false };
let backend: FakeBackend;

const meta = { id: 'mailroom-admin-app', name: 'Mailroom', type: PluginType.app, jsonData: { lokiDatasourceUid: 'loki-uid' } } as unknown as AppPluginMeta;

function renderLiveLog() {
  return renderWithGrafana(
    <PluginContextProvider meta={meta}>
      <LiveLog />
    </PluginContextProvider>,
  );
}

const line = (o: Record<string, unknown>) => ({ time: Date.UTC(2025, 10, 28, 12, 0, 0), level: 30, category: 'smtp', msg: 'hello', ...o });

async function startStreaming() {
  renderLiveLog();
  await waitFor(() => expect(backend.callsTo('GET', '/api/v1/logging')).toHaveLength(1));
  await userEvent.click(screen.getByTestId(testIds.liveLog.start));
  const es = FakeEventSource.last;
  act(() => es.open());
  return es;
}

beforeEach(() => {
  setOrgRole('Admin');
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  backend = new FakeBackend().ok('GET', '/api/v1/logging', { categories: allOn }).install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Live log page', () => {
  it('shows the categories Mailroom logs, and Apply PUTs the new choice (admin)', async () => {
    backend.on('PUT', '/api/v1/logging', (call) => ({ data: call.data }));
    renderLiveLog();
    const debug = await screen.findByTestId(testIds.liveLog.category('debug'));
    await waitFor(() => expect(debug).not.toBeChecked());
    expect(screen.getByTestId(testIds.liveLog.category('smtp'))).toBeChecked();
    expect(isDisabled(screen.getByTestId(testIds.liveLog.applyCategories))).toBe(true);
    await userEvent.click(debug);
    await userEvent.click(screen.getByTestId(testIds.liveLog.category('tcpip')));
    await userEvent.click(screen.getByTestId(testIds.liveLog.applyCategories));
    await waitFor(() => expect(backend.callsTo('PUT', '/api/v1/logging')).toHaveLength(1));
    expect(backend.callsTo('PUT', '/api/v1/logging')[0]!.data).toEqual({ categories: { ...allOn, debug: true, tcpip: false } });
    await waitFor(() => expect(isDisabled(screen.getByTestId(testIds.liveLog.applyCategories))).toBe(true));
  });

  it('the logging switches change only for Grafana Admins; Explore for those who may use it (not Viewers)', async () => {
    setOrgRole('Editor');
    renderLiveLog();
    await waitFor(() => expect(screen.getByTestId(testIds.liveLog.category('smtp'))).toBeChecked());
    expect(isDisabled(screen.getByTestId(testIds.liveLog.category('debug')))).toBe(true);
    expect(screen.getByTestId(testIds.liveLog.serverLogging)).toHaveTextContent('Only Grafana Admins can change them');
    expect(screen.queryByTestId(testIds.liveLog.applyCategories)).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.liveLog.explore)).toBeInTheDocument();
  });

  it('a Viewer sees neither Apply nor the Explore link', async () => {
    setOrgRole('Viewer');
    renderLiveLog();
    await screen.findByTestId(testIds.liveLog.category('debug'));
    expect(screen.queryByTestId(testIds.liveLog.applyCategories)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.liveLog.explore)).not.toBeInTheDocument();
  });

  it('Start opens an EventSource on the plugin proxy, shows log events, Stop closes it', async () => {
    const es = await startStreaming();
    expect(es.url).toBe(`${PROXY_BASE}/api/v1/log/stream`);
    expect(screen.getByTestId(testIds.liveLog.status)).toHaveTextContent('Streaming');
    act(() => {
      es.emit('log', line({ session: 'S1', msg: 'connected', remote: '127.0.0.1' }));
      es.emit('log', line({ category: 'delivery', level: 50, queueId: 'Q1', msg: 'delivery failed', err: 'connection refused' }));
    });
    await waitFor(() => expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(2));
    const [first, second] = screen.getAllByTestId(testIds.liveLog.line);
    expect(first).toHaveTextContent('infosmtpS1connected remote=127.0.0.1');
    expect(second).toHaveTextContent('errordeliveryQ1 delivery failed err="connection refused"');
    await userEvent.click(screen.getByTestId(testIds.liveLog.stop));
    expect(es.closed).toBe(true);
    expect(screen.getByTestId(testIds.liveLog.status)).toHaveTextContent('Stopped');
  });

  it('filters to one session: reconnects with ?session= and hides other sessions', async () => {
    const es = await startStreaming();
    act(() => {
      es.emit('log', line({ session: 'S1', msg: 'one' }));
      es.emit('log', line({ session: 'S2', msg: 'two' }));
    });
    await waitFor(() => expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'S2' }));
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
    expect(es.closed).toBe(true);
    expect(FakeEventSource.last.url).toContain('session=S2');
    expect(screen.getByTestId(testIds.liveLog.session)).toHaveValue('S2');
    expect(screen.getAllByTestId(testIds.liveLog.line).map((l) => l.textContent)).toEqual([expect.stringContaining('two')]);
  });

  it('the view filter and the logging switches are separate sections, each with a heading that says which is which', async () => {
    renderLiveLog();
    const server = await screen.findByRole('region', { name: /server logging switches/i });
    const view = screen.getByRole('region', { name: /view filter/i });
    expect(server).toHaveTextContent('What Mailroom writes to its log, for everyone');
    expect(view).toHaveTextContent('It changes nothing on the server');
    expect(server).toContainElement(screen.getByTestId(testIds.liveLog.category('smtp')));
    expect(view).toContainElement(screen.getByTestId(testIds.liveLog.text));
    expect(view).not.toContainElement(screen.getByTestId(testIds.liveLog.category('smtp')));
  });

  it('the view filter hides lines by level and text, never calls the logging API, and Explore gets the same filter', async () => {
    const es = await startStreaming();
    act(() => {
      es.emit('log', line({ level: 30, msg: 'Connection from 10.0.0.7' }));
      es.emit('log', line({ level: 40, msg: 'greylisted "x" a.*b' }));
      es.emit('log', line({ level: 50, msg: 'TLS handshake failed' }));
    });
    await waitFor(() => expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(3));
    const messages = () => screen.getAllByTestId(testIds.liveLog.message).map((m) => m.textContent);

    await userEvent.click(screen.getByRole('radio', { name: 'Warn+' }));
    await waitFor(() => expect(messages()).toEqual(['greylisted "x" a.*b', 'TLS handshake failed']));
    await userEvent.type(screen.getByTestId(testIds.liveLog.text), 'A.*B');
    await waitFor(() => expect(messages()).toEqual(['greylisted "x" a.*b']));
    expect(screen.getByTestId(testIds.liveLog.count)).toHaveTextContent('1 of 3 lines shown');

    // What the server logs is untouched: one GET when the page opened, no PUT.
    expect(backend.callsTo('PUT', '/api/v1/logging')).toHaveLength(0);
    expect(backend.callsTo('GET', '/api/v1/logging')).toHaveLength(1);
    // Level and text are the browser's business: the stream is not reopened for them.
    expect(FakeEventSource.instances).toHaveLength(1);

    const href = new URL(screen.getByTestId(testIds.liveLog.explore).getAttribute('href')!, 'http://grafana.test');
    expect(href.pathname).toBe('/explore');
    const panes = JSON.parse(href.searchParams.get('panes')!);
    const query = Object.values(panes as Record<string, { datasource: string; queries: Array<{ expr: string }> }>)[0]!;
    expect(query.datasource).toBe('loki-uid');
    expect(query.queries[0]!.expr).toBe('{service_name="mailroom"} |~ "(?i)A\\\\.\\\\*B" | json | level >= 40');
  });

  it('one alert when the logging read and the stream both fail for the same reason', async () => {
    backend.fail('GET', '/api/v1/logging', 502, undefined, 'Bad Gateway');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('', { status: 502, statusText: 'Bad Gateway' })),
    );
    renderLiveLog();
    expect(await screen.findByTestId(testIds.error.kind('unreachable'))).toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.liveLog.start));
    act(() => FakeEventSource.last.fail(true));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('and the live log stream failed'));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getAllByTestId(testIds.error.container)).toHaveLength(1);
    expect(screen.getByRole('alert')).toHaveTextContent('Could not read the logging switches and the live log stream failed: mailroom is unreachable');
  });

  it('counts lines the server dropped', async () => {
    const es = await startStreaming();
    act(() => {
      es.emit('dropped', { count: 17 });
      es.emit('dropped', { count: 3 });
    });
    expect(await screen.findByTestId(testIds.liveLog.dropped)).toHaveTextContent('Mailroom skipped 20 lines');
  });

  it('keeps a bounded buffer in the browser', async () => {
    const es = await startStreaming();
    act(() => {
      for (let i = 0; i < 2005; i++) es.emit('log', line({ msg: `line ${i}` }));
    });
    await waitFor(() => expect(screen.getByTestId(testIds.liveLog.count)).toHaveTextContent('2000 lines'));
    // A browser fires scroll when the view follows the newest line; jsdom does not.
    fireEvent.scroll(screen.getByTestId(testIds.liveLog.lines));
    // Only the rows in view are elements, and the view follows the newest line.
    expect(screen.getAllByTestId(testIds.liveLog.line).length).toBeLessThan(200);
    expect(screen.getAllByTestId(testIds.liveLog.message).map((m) => m.textContent)).toContain('line 2004');
    expect(screen.getByTestId(testIds.liveLog.dropped)).toHaveTextContent('5 older lines were dropped here');
    await userEvent.click(screen.getByTestId(testIds.liveLog.clear));
    expect(screen.queryAllByTestId(testIds.liveLog.line)).toHaveLength(0);
  });

  it('pauses while the reader scrolls up and resumes', async () => {
    const es = await startStreaming();
    act(() => es.emit('log', line({ msg: 'first' })));
    await waitFor(() => expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(1));
    const box = screen.getByTestId(testIds.liveLog.lines);
    Object.defineProperty(box, 'scrollHeight', { configurable: true, value: 1000 });
    Object.defineProperty(box, 'clientHeight', { configurable: true, value: 200 });
    box.scrollTop = 800;
    fireEvent.scroll(box);
    expect(screen.queryByTestId(testIds.liveLog.paused)).not.toBeInTheDocument();
    // The reader scrolls up from the bottom.
    box.scrollTop = 100;
    fireEvent.scroll(box);
    expect(screen.getByTestId(testIds.liveLog.paused)).toBeInTheDocument();
    act(() => {
      es.emit('log', line({ msg: 'second' }));
      es.emit('log', line({ msg: 'third' }));
    });
    await waitFor(() => expect(screen.getByTestId(testIds.liveLog.paused)).toHaveTextContent('2 new lines'));
    expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(1);
    await userEvent.click(screen.getByTestId(testIds.liveLog.resume));
    expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(3);
    expect(screen.queryByTestId(testIds.liveLog.paused)).not.toBeInTheDocument();
  });

  it('shows reconnecting while EventSource retries, and why a stream failed for good', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ message: 'plugin proxy route access denied' }), { status: 403 }));
    vi.stubGlobal('fetch', fetchMock);
    const es = await startStreaming();
    act(() => es.fail(false));
    expect(screen.getByTestId(testIds.liveLog.status)).toHaveTextContent('Reconnecting');
    act(() => es.fail(true));
    expect(screen.getByTestId(testIds.liveLog.status)).toHaveTextContent('Failed');
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('Your Grafana role does not allow this');
    expect(fetchMock).toHaveBeenCalledWith(es.url, expect.objectContaining({ headers: { Accept: 'text/event-stream' } }));
    expect(screen.getByTestId(testIds.liveLog.start)).toBeInTheDocument();
  });

  it('still streams when the logging API cannot be read', async () => {
    backend.fail('GET', '/api/v1/logging', 404, { error: { code: 'not_found', message: 'no route for GET /api/v1/logging' } });
    renderLiveLog();
    expect(await screen.findByTestId(testIds.error.kind('not_found'))).toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.liveLog.start));
    expect(FakeEventSource.last.url).toBe(`${PROXY_BASE}/api/v1/log/stream`);
  });
});
