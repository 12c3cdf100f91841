import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { PluginContextProvider, PluginType, type AppPluginMeta } from '@grafana/data';
import { beforeEach, describe, expect, it } from 'vitest';
import { MessageTrace, messageTraceTestIds } from './MessageTrace';
import type { TraceTimeline } from '../../api/trace';
import { FakeBackend } from '../../test/fakeBackend';
import { renderWithGrafana } from '../../test/render';
import { traceTestIds } from '../TraceTimeline/TraceTimeline';

const ID = '1M90XDX92B43ZBESF';
const timeline: TraceTimeline = {
  id: ID,
  messageId: 'hello@example.test',
  from: 'alice@example.test',
  to: ['bob@remote.test'],
  size: 812,
  source: 'submission',
  acceptedAt: '2026-12-04T10:00:00.000Z',
  finishedAt: null,
  state: 'queued',
  recipients: [{ address: 'bob@remote.test', state: 'deferred' }],
  events: [
    { type: 'accepted', time: '2026-12-04T10:00:00.000Z', node: 'mx1', clientAddress: '192.0.2.7', tls: null, size: 812, scan: null },
    {
      type: 'attempt',
      time: '2026-12-04T10:00:01.000Z',
      recipient: 'bob@remote.test',
      result: 'deferred',
      mxHost: 'mx.remote.test',
      mxIp: '198.51.100.25',
      tls: null,
      replyCode: 451,
      replyText: '451 4.7.1 try later',
      durationMs: 90,
    },
  ],
  omittedAttempts: 0,
};
const lokiAnswer = {
  results: {
    A: { frames: [{ schema: { fields: [{ name: 'Time' }, { name: 'Line' }] }, data: { values: [[1796400936231], [`{"category":"delivery","queueId":"${ID}","msg":"delivery attempt"}`]] } }] },
  },
};

function renderWith(jsonData: Record<string, string>) {
  const meta = { id: 'mailroom-admin-app', name: 'Mailroom', type: PluginType.app, jsonData } as unknown as AppPluginMeta;
  return renderWithGrafana(
    <PluginContextProvider meta={meta}>
      <MessageTrace id={ID} />
    </PluginContextProvider>,
  );
}

let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend().ok('GET', `/api/v1/trace/${ID}`, timeline).ok('POST', '/api/ds/query', lokiAnswer).install();
});

describe('MessageTrace (the queue drawer Trace tab)', () => {
  it('shows the timeline and the lines Loki returns for the LogQL on the queue id', async () => {
    renderWith({ lokiDatasourceUid: 'loki-uid' });
    expect(await screen.findByTestId(traceTestIds.event(1))).toHaveTextContent('451 4.7.1 try later');
    expect(await screen.findByTestId(messageTraceTestIds.logs)).toHaveTextContent('delivery attempt');
    const query = backend.callsTo('POST', '/api/ds/query')[0]!.data as { queries: Array<{ expr: string; datasource: { uid: string } }> };
    expect(query.queries[0]).toMatchObject({ expr: `{service_name="mailroom"} |= "${ID}"`, datasource: { type: 'loki', uid: 'loki-uid' } });
    expect(screen.getByRole('link', { name: /Open in Explore/ }).getAttribute('href')).toContain('loki-uid');
  });

  it('says where to pick a Loki data source when none is configured, and asks Loki nothing', async () => {
    renderWith({});
    expect(await screen.findByTestId(messageTraceTestIds.noLoki)).toHaveTextContent('configuration page');
    await waitFor(() => expect(screen.getByTestId(traceTestIds.timeline)).toBeInTheDocument());
    expect(backend.callsTo('POST', '/api/ds/query')).toHaveLength(0);
  });
});
