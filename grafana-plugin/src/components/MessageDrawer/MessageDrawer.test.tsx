import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageDrawer } from './MessageDrawer';
import { FakeBackend } from '../../test/fakeBackend';
import { ID1, parsed, queueItem, RAW } from '../../test/fixtures';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';
import { traceTestIds } from '../TraceTimeline/TraceTimeline';

let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend().ok('GET', `/api/v1/queue-content/${ID1}/content`, parsed()).ok('GET', `/api/v1/queue/${ID1}`, queueItem(ID1)).install();
});

describe('MessageDrawer', () => {
  it('without content:read shows the envelope only and never asks for the content', async () => {
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent={false} onClose={() => {}} />);
    expect(await screen.findByTestId(testIds.message.recipients)).toHaveTextContent('bob@remote.testdeferred2');
    for (const tab of ['headers', 'text', 'attachments', 'raw']) expect(screen.queryByTestId(testIds.message.tab(tab))).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.path.includes('content'))).toBe(false);
  });

  it('shows the subject as title and the headers first', async () => {
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    const headers = await screen.findByTestId(testIds.message.headers);
    expect(headers).toHaveTextContent('FromAlice <alice@example.test>');
    expect(headers).toHaveTextContent('SubjectQuarterly report');
    expect(screen.getByText('Quarterly report', { selector: 'h3, h2, h1, div, span' })).toBeInTheDocument();
  });

  it('shows text, attachments and recipients on their tabs', async () => {
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    await screen.findByTestId(testIds.message.headers);
    await userEvent.click(screen.getByTestId(testIds.message.tab('text')));
    expect(screen.getByTestId(testIds.message.text)).toHaveTextContent('Hello Bob, the report is attached.');
    await userEvent.click(screen.getByTestId(testIds.message.tab('attachments')));
    expect(screen.getByTestId(testIds.message.attachments)).toHaveTextContent('report.pdfapplication/pdf51 KiB');
    await userEvent.click(screen.getByTestId(testIds.message.tab('recipients')));
    expect(await screen.findByTestId(testIds.message.recipients)).toHaveTextContent('bob@remote.testdeferred2');
  });

  it('shows the message trace on its tab', async () => {
    backend.ok('GET', `/api/v1/trace/${ID1}`, {
      id: ID1,
      messageId: null,
      from: 'alice@example.test',
      to: ['bob@remote.test'],
      size: 10,
      source: 'smtp',
      acceptedAt: '2026-12-04T10:00:00.000Z',
      finishedAt: null,
      state: 'queued',
      recipients: [{ address: 'bob@remote.test', state: 'deferred' }],
      events: [{ type: 'accepted', time: '2026-12-04T10:00:00.000Z', node: 'mx1', clientAddress: null, tls: null, size: 10, scan: null }],
      omittedAttempts: 0,
    });
    // The trace is envelope-level: a Viewer (no content access) has the tab too.
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent={false} onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId(testIds.message.tab('trace')));
    expect(await screen.findByTestId(traceTestIds.event(0))).toHaveTextContent('Accepted');
    expect(screen.getByTestId(traceTestIds.recipient('bob@remote.test'))).toHaveTextContent('deferred');
  });

  it('loads the raw source as text only when its tab opens', async () => {
    backend.ok('GET', `/api/v1/queue-content/${ID1}/content`, parsed());
    backend.on('GET', `/api/v1/queue-content/${ID1}/content`, (call) => (call.responseType === 'text' ? { data: RAW } : { data: parsed() }));
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    await screen.findByTestId(testIds.message.headers);
    expect(backend.callsTo('GET', `/api/v1/queue-content/${ID1}/content`).filter((c) => c.responseType === 'text')).toHaveLength(0);
    await userEvent.click(screen.getByTestId(testIds.message.tab('raw')));
    expect(await screen.findByTestId(testIds.message.raw)).toHaveTextContent('Subject: Quarterly report');
    const rawCall = backend.callsTo('GET', `/api/v1/queue-content/${ID1}/content`).find((c) => c.responseType === 'text');
    expect(rawCall?.params).toBeUndefined();
  });

  it('renders an HTML part only inside a sandboxed frame', async () => {
    backend.ok('GET', `/api/v1/queue-content/${ID1}/content`, { ...parsed(), text: null, html: '<p>Hi <b>Bob</b></p>' });
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    await screen.findByTestId(testIds.message.headers);
    await userEvent.click(screen.getByTestId(testIds.message.tab('text')));
    const frame = screen.getByTitle('HTML part');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(frame).toHaveAttribute('srcdoc', '<p>Hi <b>Bob</b></p>');
    expect(screen.queryByText(/Only the beginning of the HTML part/)).not.toBeInTheDocument();
  });

  it('says when Mailroom cut the HTML part short', async () => {
    backend.ok('GET', `/api/v1/queue-content/${ID1}/content`, { ...parsed(), text: null, html: '<p>Hi</p>', htmlTruncated: true });
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    await screen.findByTestId(testIds.message.headers);
    await userEvent.click(screen.getByTestId(testIds.message.tab('text')));
    expect(screen.getByText(/Only the beginning of the HTML part is shown/)).toBeInTheDocument();
  });

  it('says so when the message is gone', async () => {
    backend.fail('GET', `/api/v1/queue-content/${ID1}/content`, 404, { error: { code: 'not_found', message: 'queued message not found' } });
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={() => {}} />);
    expect(await screen.findByTestId(testIds.error.kind('not_found'))).toHaveTextContent('queued message not found');
  });

  it('closes', async () => {
    const onClose = vi.fn();
    renderWithGrafana(<MessageDrawer id={ID1} mayReadContent onClose={onClose} />);
    await screen.findByTestId(testIds.message.headers);
    await userEvent.click(screen.getByRole('button', { name: /close/i }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});
