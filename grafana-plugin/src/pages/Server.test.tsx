import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Server from './Server';
import { FakeBackend } from '../test/fakeBackend';
import { node, queueItem, queuePage, runningServer, scannerHealth, status, stoppedServer } from '../test/fixtures';
import { renderWithGrafana, setOrgRole } from '../test/render';
import { testIds } from '../testIds';

let backend: FakeBackend;

beforeEach(() => {
  setOrgRole('Editor');
  backend = new FakeBackend()
    .ok('GET', '/api/v1/server', runningServer())
    .ok('GET', '/api/v1/status', status())
    .ok('GET', '/api/v1/nodes', { nodes: [node()] })
    .ok('GET', '/api/v1/routes', { items: [], relay: null })
    .ok('GET', '/api/v1/queue', queuePage([], 0))
    .install();
});

describe('Server page', () => {
  it('shows state, version, database, start time, uptime, listeners, counters and sessions from the API', async () => {
    renderWithGrafana(<Server />);
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.server.version)).toHaveTextContent('0.1.0');
    const db = screen.getByTestId(testIds.server.database);
    expect(db).toHaveTextContent('sqlite');
    expect(db).toHaveTextContent('3.46.1');
    expect(db).toHaveTextContent('/var/lib/mailroom/mailroom.db');
    expect(screen.getByTestId(testIds.server.startedAt).textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(screen.getByTestId(testIds.server.uptime)).toHaveTextContent(/^3h 2[45]m$/);
    const listeners = screen.getByTestId(testIds.server.listeners);
    expect(within(listeners).getByText('2525')).toBeInTheDocument();
    expect(within(listeners).getByText('2587')).toBeInTheDocument();
    expect(within(listeners).getAllByText('STARTTLS')).toHaveLength(2);
    // The implicit TLS listener is named and counted under its protocol.
    expect(within(listeners).getByText('submissions (submission)')).toBeInTheDocument();
    expect(within(listeners).getByText('Implicit TLS')).toBeInTheDocument();
    const counters = screen.getByTestId(testIds.server.counters);
    expect(counters).toHaveTextContent('1,234');
    expect(counters).toHaveTextContent('Viruses detected5');
    expect(counters).toHaveTextContent('Spam detected42');
    const sessions = screen.getByTestId(testIds.server.sessions);
    expect(sessions).toHaveTextContent('SMTP3');
    expect(sessions).toHaveTextContent('IMAP2');
    expect(screen.queryByTestId(testIds.server.scanners)).not.toBeInTheDocument();
  });

  it('shows each configured scanner, an open circuit as down', async () => {
    const scanners = [scannerHealth(), scannerHealth({ scanner: 'spamd', address: '127.0.0.1:783', version: null, reachable: false, circuit: 'open', lastError: 'connect ECONNREFUSED' })];
    backend.ok('GET', '/api/v1/server', { ...runningServer(), scanners });
    renderWithGrafana(<Server />);
    const table = await screen.findByTestId(testIds.server.scanners);
    expect(table).toHaveTextContent('clamdOKClamAV 1.4.6/27470 · 127.0.0.1:3310');
    expect(table).toHaveTextContent('spamdDown127.0.0.1:783 · circuit open · last error: connect ECONNREFUSED');
  });

  it('Stop asks for confirmation, says the service keeps running, then POSTs /server/stop', async () => {
    backend.ok('POST', '/api/v1/server/stop', stoppedServer());
    renderWithGrafana(<Server />);
    await screen.findByText('Running');
    expect(screen.getByTestId(testIds.server.start)).toBeDisabled();
    await userEvent.click(screen.getByTestId(testIds.server.stop));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('The Mailroom service keeps running');
    expect(backend.callsTo('POST', '/api/v1/server/stop')).toHaveLength(0);
    backend.ok('GET', '/api/v1/server', stoppedServer());
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stop server' }));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/server/stop')).toHaveLength(1));
    expect(await screen.findByText('Stopped')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.server.start)).toBeEnabled();
  });

  it('dismissing the confirmation stops nothing', async () => {
    renderWithGrafana(<Server />);
    await screen.findByText('Running');
    await userEvent.click(screen.getByTestId(testIds.server.stop));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(backend.callsTo('POST', '/api/v1/server/stop')).toHaveLength(0);
  });

  it('Start POSTs /server/start when the server is stopped', async () => {
    backend.ok('GET', '/api/v1/server', stoppedServer()).ok('POST', '/api/v1/server/start', runningServer());
    renderWithGrafana(<Server />);
    await screen.findByText('Stopped');
    expect(screen.getByTestId(testIds.server.stop)).toBeDisabled();
    backend.ok('GET', '/api/v1/server', runningServer());
    await userEvent.click(screen.getByTestId(testIds.server.start));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/server/start')).toHaveLength(1));
    expect(await screen.findByText('Running')).toBeInTheDocument();
  });

  it('hides Start and Stop from a Grafana Viewer', async () => {
    setOrgRole('Viewer');
    renderWithGrafana(<Server />);
    await screen.findByText('Running');
    expect(screen.queryByTestId(testIds.server.stop)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.server.start)).not.toBeInTheDocument();
  });

  it('shows a 403 from Grafana on an action as a role problem', async () => {
    backend.fail('POST', '/api/v1/server/stop', 403, { message: 'plugin proxy route access denied' });
    renderWithGrafana(<Server />);
    await screen.findByText('Running');
    await userEvent.click(screen.getByTestId(testIds.server.stop));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Stop server' }));
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('Your Grafana role does not allow this');
  });

  it('tells unreachable, 401 and 403 apart when loading', async () => {
    backend.fail('GET', '/api/v1/server', 502, undefined, 'Bad Gateway');
    const first = renderWithGrafana(<Server />);
    expect(await screen.findByTestId(testIds.error.kind('unreachable'))).toHaveTextContent('cannot be reached');
    first.unmount();

    backend.fail('GET', '/api/v1/server', 401, { error: { code: 'unauthorized', message: 'invalid token' } });
    const second = renderWithGrafana(<Server />);
    expect(await screen.findByTestId(testIds.error.kind('unauthorized'))).toHaveTextContent('did not accept the token (invalid token)');
    second.unmount();

    backend.fail('GET', '/api/v1/server', 403, { error: { code: 'forbidden', message: 'this action needs the viewer role; the token has none' } });
    renderWithGrafana(<Server />);
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('Mailroom refused');
  });

  it('Try again reloads after an error', async () => {
    backend.fail('GET', '/api/v1/server', 502);
    renderWithGrafana(<Server />);
    await screen.findByTestId(testIds.error.kind('unreachable'));
    backend.ok('GET', '/api/v1/server', runningServer());
    await userEvent.click(screen.getByTestId(testIds.error.retry));
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.error.container)).not.toBeInTheDocument();
  });

  it('shows the queue by state and the age of its oldest message, from the queue list', async () => {
    const totals: Record<string, number> = { queued: 2, deferred: 7, held: 1, in_flight: 0 };
    const oldest = new Date(Date.now() - (2 * 3600 + 5 * 60) * 1000).toISOString();
    backend.on('GET', '/api/v1/queue', (call) => {
      const state = call.params?.state as string | undefined;
      return { status: 200, data: state ? queuePage([], totals[state]!) : queuePage([queueItem('q1', { createdAt: oldest })], 10) };
    });
    renderWithGrafana(<Server />);
    const card = await screen.findByText('Deferred');
    const summary = card.closest('dl')!;
    expect(summary).toHaveAttribute('data-testid', testIds.server.queueSummary);
    expect(summary).toHaveTextContent('Queued2Deferred7Held1In flight0');
    expect(summary).toHaveTextContent(/Oldest message2h 0?5m/);
    const calls = backend.callsTo('GET', '/api/v1/queue');
    expect(calls.map((c) => c.params?.state ?? 'oldest').sort()).toEqual(['deferred', 'held', 'in_flight', 'oldest', 'queued']);
    for (const c of calls) expect(c.params).toMatchObject({ limit: 1, sort: 'created' });
  });

  it('says the queue is empty when it has no oldest message', async () => {
    renderWithGrafana(<Server />);
    expect(await screen.findByText('none: the queue is empty')).toBeInTheDocument();
  });

  it('wraps the database path only after its separators, the host name only after its dots, and shows each whole on hover', async () => {
    const location = '/var/lib/mailroom/a-very-long-directory-name-for-the-database/mailroom.db';
    backend.ok('GET', '/api/v1/server', { ...runningServer(), database: { driver: 'sqlite', version: '3.46.1', location } });
    renderWithGrafana(<Server />);
    const db = await screen.findByTestId(testIds.server.database);
    const dd = within(db).getByTitle(location);
    expect(dd).toHaveTextContent(location);
    // A break opportunity after each slash and nowhere else.
    expect(dd.querySelectorAll('wbr')).toHaveLength(5);
    expect(
      Array.from(dd.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent),
    ).toEqual(['/', 'var/', 'lib/', 'mailroom/', 'a-very-long-directory-name-for-the-database/', 'mailroom.db']);
    const host = screen.getByTestId(testIds.server.hostname);
    expect(host).toHaveAttribute('title', 'mx.example.test');
    expect(host).toHaveTextContent('mx.example.test');
    expect(host.querySelectorAll('wbr')).toHaveLength(2);
  });

  it('says where to pick a Prometheus data source for the trends when none is configured', async () => {
    renderWithGrafana(<Server />);
    expect(await screen.findByTestId(testIds.trends.noDatasource)).toBeInTheDocument();
  });
});
