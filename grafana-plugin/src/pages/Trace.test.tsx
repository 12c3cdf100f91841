import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Trace, { tracePageTestIds as ids } from './Trace';
import type { TracePage, TraceSummary, TraceTimeline } from '../api/trace';
import { FakeBackend } from '../test/fakeBackend';
import { renderWithGrafana, setOrgRole } from '../test/render';

const delivered: TraceSummary = {
  id: '1M90XDX92B43ZBESF',
  messageId: 'hello@example.test',
  from: 'alice@example.test',
  to: ['friend@remote.test'],
  size: 812,
  source: 'submission',
  acceptedAt: '2026-12-04T10:00:00.000Z',
  finishedAt: '2026-12-04T10:00:02.000Z',
  state: 'finished',
};
const deferred: TraceSummary = { ...delivered, id: '1M90XDXEY6ZKYCJRQ', messageId: 'later@example.test', to: ['someone@later.test'], finishedAt: null, state: 'queued' };
const page = (items: TracePage['items']): TracePage => ({ total: items.length, offset: 0, limit: 50, items });

const timeline: TraceTimeline = {
  ...delivered,
  recipients: [{ address: 'friend@remote.test', state: 'delivered' }],
  events: [
    { type: 'accepted', time: '2026-12-04T10:00:00.000Z', node: 'mx1', clientAddress: '192.0.2.7', tls: 'TLSv1.3', size: 812, scan: 'virus: clean; spam: 1.2 of 5 (ham)' },
    {
      type: 'attempt',
      time: '2026-12-04T10:00:01.000Z',
      recipient: 'friend@remote.test',
      result: 'deferred',
      mxHost: 'mx.remote.test',
      mxIp: '198.51.100.25',
      tls: 'TLSv1.3',
      replyCode: 451,
      replyText: '451 4.7.1 greylisted',
      durationMs: 240,
    },
    {
      type: 'attempt',
      time: '2026-12-04T10:00:02.000Z',
      recipient: 'friend@remote.test',
      result: 'delivered',
      mxHost: 'mx.remote.test',
      mxIp: '198.51.100.25',
      tls: 'TLSv1.3',
      replyCode: 250,
      replyText: '250 2.0.0 Ok: queued',
      durationMs: 180,
    },
    { type: 'left_queue', time: '2026-12-04T10:00:02.000Z' },
  ],
  omittedAttempts: 0,
};

let backend: FakeBackend;

beforeEach(() => {
  setOrgRole('Viewer');
  backend = new FakeBackend()
    .ok('GET', '/api/v1/trace', page([deferred, delivered]))
    .ok('GET', `/api/v1/trace/${delivered.id}`, timeline)
    .install();
});

describe('Trace page', () => {
  it('lists the newest messages, queued and finished, for a Viewer', async () => {
    renderWithGrafana(<Trace />);
    expect(await screen.findByTestId(ids.result(deferred.id))).toHaveTextContent('queued');
    expect(screen.getByTestId(ids.result(delivered.id))).toHaveTextContent('alice@example.test → friend@remote.test');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Trace');
  });

  it('searches with what was typed and shows the timeline of the message picked', async () => {
    renderWithGrafana(<Trace />);
    await screen.findByTestId(ids.result(delivered.id));
    await userEvent.type(screen.getByTestId(ids.search), ' hello@example.test ');
    await userEvent.click(screen.getByTestId(ids.submit));
    await waitFor(() => expect(backend.callsTo('GET', '/api/v1/trace').at(-1)!.params).toMatchObject({ search: 'hello@example.test' }));
    await userEvent.click(screen.getByTestId(ids.result(delivered.id)));
    const shown = await screen.findByTestId(ids.timeline);
    expect(screen.getByRole('heading', { level: 3 })).toHaveTextContent('<hello@example.test>');
    const events = within(shown).getAllByRole('listitem');
    expect(events.map((e) => e.textContent)).toEqual([
      expect.stringMatching(/Accepted.*on mx1 · from 192\.0\.2\.7 · over TLSv1\.3 · .* · virus: clean; spam: 1\.2 of 5 \(ham\)/),
      expect.stringMatching(/Deferred: friend@remote\.test.*451.*via mx\.remote\.test \(198\.51\.100\.25\) · over TLSv1\.3 · 451 4\.7\.1 greylisted · 240 ms/),
      expect.stringMatching(/Delivered: friend@remote\.test.*250/),
      expect.stringMatching(/Left the queue/),
    ]);
    expect(screen.getByTestId(ids.recipient('friend@remote.test'))).toHaveTextContent('delivered');
  });

  it('says so when nothing is found', async () => {
    backend.ok('GET', '/api/v1/trace', page([]));
    renderWithGrafana(<Trace />);
    expect(await screen.findByText('No message found')).toBeInTheDocument();
  });

  it("shows the server's 400 for a bad search", async () => {
    backend.fail('GET', '/api/v1/trace', 400, { error: { code: 'invalid_parameters', message: 'query parameter from: not a time: "x"' } });
    renderWithGrafana(<Trace />);
    expect(await screen.findByText(/not a time/)).toBeInTheDocument();
  });

  it('searches all the kept history by default, and the window in the URL when there is one', async () => {
    renderWithGrafana(<Trace />);
    await screen.findByTestId(ids.result(delivered.id));
    expect(backend.callsTo('GET', '/api/v1/trace')[0]!.params).not.toHaveProperty('from');
    expect(screen.getByTestId(ids.range)).toHaveTextContent('Any time');
  });

  it('sends an absolute window as it is and resolves a relative one when the search runs', async () => {
    const { unmount } = renderWithGrafana(<Trace />, { route: '/?search=alice&from=2026-12-01T00:00:00.000Z&to=2026-12-02T00:00:00.000Z' });
    await screen.findByTestId(ids.result(delivered.id));
    expect(backend.callsTo('GET', '/api/v1/trace').at(-1)!.params).toMatchObject({ search: 'alice', from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' });
    unmount();
    const before = Date.now();
    renderWithGrafana(<Trace />, { route: '/?from=now-24h&to=now' });
    await screen.findByTestId(ids.result(delivered.id));
    const sent = backend.callsTo('GET', '/api/v1/trace').at(-1)!.params as { from: string; to: string };
    expect(Math.abs(Date.parse(sent.to) - Date.parse(sent.from) - 24 * 3600 * 1000)).toBeLessThan(1000);
    expect(Date.parse(sent.to)).toBeGreaterThanOrEqual(before - 1000);
    expect(screen.getByTestId(ids.range)).toHaveTextContent(/Last 24 hours/);
  });

  it('keeps the window when a message is picked', async () => {
    renderWithGrafana(<Trace />, { route: '/?from=now-7d&to=now' });
    await userEvent.click(await screen.findByTestId(ids.result(delivered.id)));
    await screen.findByTestId(ids.timeline);
    expect(backend.callsTo('GET', '/api/v1/trace')).toHaveLength(1);
  });
});
