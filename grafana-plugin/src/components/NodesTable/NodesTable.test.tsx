import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { NodesTable } from './NodesTable';
import { FakeBackend } from '../../test/fakeBackend';
import { node } from '../../test/fixtures';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';

let backend: FakeBackend;
const three = () => ({
  nodes: [node({ name: 'a' }), node({ name: 'b', running: false, sessions: { smtp: 0, submission: 0, pop3: 0, imap: 0 } }), node({ name: 'c', up: false, lastSeen: '2026-12-04T10:00:00.000Z' })],
});

beforeEach(() => {
  backend = new FakeBackend().ok('GET', '/api/v1/nodes', three()).install();
});

describe('NodesTable', () => {
  it('lists every node: name, version, up or down, server on or off, start, last heartbeat, sessions', async () => {
    renderWithGrafana(<NodesTable mayAct />);
    const a = await screen.findByTestId(testIds.server.nodeRow('a'));
    expect(a).toHaveTextContent(/^a0\.1\.0UpOn\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\d{4}-\d\d-\d\d \d\d:\d\d:\d\d3102/);
    expect(screen.getByTestId(testIds.server.nodeRow('b'))).toHaveTextContent('Off');
    const c = screen.getByTestId(testIds.server.nodeRow('c'));
    expect(c).toHaveTextContent('Down');
    // Nothing can be asked of a node that is down.
    expect(within(c).getByRole('button', { name: 'Start node c' })).toBeDisabled();
    expect(within(c).getByRole('button', { name: 'Stop node c' })).toBeDisabled();
    expect(within(a).getByRole('button', { name: 'Start node a' })).toBeDisabled(); // already on
    expect(within(screen.getByTestId(testIds.server.nodeRow('b'))).getByRole('button', { name: 'Start node b' })).toBeEnabled();
  });

  it('Stop on a node asks first, then POSTs /nodes/:name/stop; Start POSTs /nodes/:name/start', async () => {
    backend.ok('POST', '/api/v1/nodes/a/stop', node({ name: 'a', running: false })).ok('POST', '/api/v1/nodes/b/start', node({ name: 'b' }));
    renderWithGrafana(<NodesTable mayAct />);
    const a = await screen.findByTestId(testIds.server.nodeRow('a'));
    await userEvent.click(within(a).getByRole('button', { name: 'Stop node a' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('the other nodes keep serving');
    expect(backend.callsTo('POST', '/api/v1/nodes/a/stop')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stop node' }));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/nodes/a/stop')).toHaveLength(1));
    await userEvent.click(within(screen.getByTestId(testIds.server.nodeRow('b'))).getByRole('button', { name: 'Start node b' }));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/nodes/b/start')).toHaveLength(1));
  });

  it('a Viewer sees the nodes but no button that would act', async () => {
    renderWithGrafana(<NodesTable mayAct={false} />);
    const b = await screen.findByTestId(testIds.server.nodeRow('b'));
    expect(within(b).queryByRole('button', { name: 'Start node b' })).not.toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.server.nodeRow('a'))).queryByRole('button', { name: 'Stop node a' })).not.toBeInTheDocument();
  });

  it('an API error shows one error box with a retry', async () => {
    backend.fail('GET', '/api/v1/nodes', 502, { error: 'bad_gateway', message: 'Mailroom is unreachable' });
    renderWithGrafana(<NodesTable mayAct />);
    expect(await screen.findAllByRole('alert')).toHaveLength(1);
  });
});
