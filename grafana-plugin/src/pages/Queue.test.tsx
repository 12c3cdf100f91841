import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Queue from './Queue';
import { FakeBackend } from '../test/fakeBackend';
import { ID1, ID2, queueItem, queuePage } from '../test/fixtures';
import { isDisabled, renderWithGrafana, setOrgRole } from '../test/render';
import { testIds } from '../testIds';

let backend: FakeBackend;
const lists = () => backend.callsTo('GET', '/api/v1/queue');
const lastList = () => lists().at(-1)!.params;

beforeEach(() => {
  setOrgRole('Editor');
  backend = new FakeBackend().ok('GET', '/api/v1/queue', queuePage()).install();
});

afterEach(() => {
  vi.useRealTimers();
});

async function renderQueue() {
  renderWithGrafana(<Queue />);
  await screen.findByTestId(testIds.queue.table);
}

describe('Queue page: listing', () => {
  it('asks for the first page sorted by creation and shows every column', async () => {
    await renderQueue();
    expect(lastList()).toEqual({ offset: 0, limit: 50, sort: 'created' });
    const row = screen.getByTestId(testIds.queue.row(ID1));
    for (const text of [ID1, 'alice@example.test', 'bob@remote.test', '2.0 KiB', '451 4.7.1 try again later']) expect(row).toHaveTextContent(text);
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells[6]).toBe('2');
    expect(cells[5]).toMatch(/^2025-11-2\d \d\d:\d\d:\d\d$/);
    expect(cells[7]).toMatch(/^2025-11-2\d \d\d:\d\d:\d\d$/);
    expect(screen.getByTestId(testIds.queue.total)).toHaveTextContent('2 messages in the queue');
  });

  it('sorts on the server: ascending, then descending', async () => {
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.sort('size')));
    await waitFor(() => expect(lastList()).toMatchObject({ sort: 'size', offset: 0 }));
    await userEvent.click(screen.getByTestId(testIds.queue.sort('size')));
    await waitFor(() => expect(lastList()).toMatchObject({ sort: '-size' }));
    await userEvent.click(screen.getByTestId(testIds.queue.sort('nextAttempt')));
    await waitFor(() => expect(lastList()).toMatchObject({ sort: 'next_attempt' }));
  });

  it('filters by text (debounced, back to the first page) and by state', async () => {
    backend.ok('GET', '/api/v1/queue', queuePage([queueItem(ID1)], 120));
    await renderQueue();
    await userEvent.click(within(screen.getByTestId(testIds.queue.pagination)).getByRole('button', { name: '2' }));
    await waitFor(() => expect(lastList()).toMatchObject({ offset: 50 }));
    await userEvent.type(screen.getByTestId(testIds.queue.search), 'bob');
    await waitFor(() => expect(lastList()).toEqual({ offset: 0, limit: 50, sort: 'created', search: 'bob' }));
    expect(lists().filter((c) => c.params?.search === 'b')).toHaveLength(0);
    await userEvent.click(within(screen.getByTestId(testIds.queue.state)).getByRole('radio', { name: 'Deferred' }));
    await waitFor(() => expect(lastList()).toEqual({ offset: 0, limit: 50, sort: 'created', search: 'bob', state: 'deferred' }));
    expect(screen.getByTestId(testIds.queue.total)).toHaveTextContent('120 messages match the filter');
  });

  it('says "or more" when a broad search counted only the first 1,000 matches', async () => {
    backend.ok('GET', '/api/v1/queue', { ...queuePage([queueItem(ID1)], 1000), totalExact: false });
    await renderQueue();
    await userEvent.type(screen.getByTestId(testIds.queue.search), 'example');
    await waitFor(() => expect(lastList()).toMatchObject({ search: 'example' }));
    expect(screen.getByTestId(testIds.queue.total)).toHaveTextContent('1000 or more messages match the filter');
  });

  it('changes the page size', async () => {
    await renderQueue();
    await userEvent.click(within(screen.getByTestId(testIds.queue.pageSize)).getByRole('radio', { name: '100 / page' }));
    await waitFor(() => expect(lastList()).toMatchObject({ limit: 100, offset: 0 }));
  });

  it('Refresh lists again', async () => {
    await renderQueue();
    const before = lists().length;
    await userEvent.click(within(screen.getByTestId(testIds.queue.autoRefresh)).getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(lists().length).toBe(before + 1));
  });

  it('auto-refreshes at the chosen interval', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderWithGrafana(<Queue />);
    await screen.findByTestId(testIds.queue.table);
    await user.click(within(screen.getByTestId(testIds.queue.autoRefresh)).getByRole('button', { name: /auto refresh|choose refresh/i }));
    await user.click(await screen.findByRole('menuitemradio', { name: /5 seconds/i }));
    const before = lists().length;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_500);
    });
    expect(lists().length).toBeGreaterThanOrEqual(before + 2);
  });

  it('shows loading, then the empty queue', async () => {
    backend.hang('GET', '/api/v1/queue');
    const first = renderWithGrafana(<Queue />);
    expect(await screen.findByTestId(testIds.queue.loading)).toBeInTheDocument();
    first.unmount();
    backend.ok('GET', '/api/v1/queue', queuePage([], 0));
    renderWithGrafana(<Queue />);
    expect(await screen.findByTestId(testIds.queue.empty)).toHaveTextContent('The queue is empty');
    expect(isDisabled(screen.getByTestId(testIds.queue.clear))).toBe(true);
  });

  it('says when nothing matches a filter', async () => {
    await renderQueue();
    backend.ok('GET', '/api/v1/queue', queuePage([], 0));
    await userEvent.type(screen.getByTestId(testIds.queue.search), 'nobody');
    expect(await screen.findByTestId(testIds.queue.empty)).toHaveTextContent('No message matches the filter');
  });

  it.each([
    [502, undefined, 'unreachable'],
    [401, { error: { code: 'unauthorized', message: 'invalid token' } }, 'unauthorized'],
    [403, { message: 'plugin proxy route access denied' }, 'forbidden'],
  ])('shows a %s as %s', async (status, data, kind) => {
    backend.fail('GET', '/api/v1/queue', status, data);
    renderWithGrafana(<Queue />);
    expect(await screen.findByTestId(testIds.error.kind(kind))).toBeInTheDocument();
  });
});

describe('Queue page: actions', () => {
  const confirmDialog = async (button: string) => {
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: button }));
    return dialog;
  };

  it('Send now, Hold and Release POST to the message routes', async () => {
    backend.ok('POST', /^\/api\/v1\/queue\/\w+\/(send-now|hold|release)$/, {});
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('send-now', ID1)));
    await waitFor(() => expect(backend.callsTo('POST', `/api/v1/queue/${ID1}/send-now`)).toHaveLength(1));
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('hold', ID1)));
    await waitFor(() => expect(backend.callsTo('POST', `/api/v1/queue/${ID1}/hold`)).toHaveLength(1));
    expect(screen.queryByTestId(testIds.queue.rowAction('hold', ID2))).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('release', ID2)));
    await waitFor(() => expect(backend.callsTo('POST', `/api/v1/queue/${ID2}/release`)).toHaveLength(1));
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent(`Message ${ID2} is released.`);
  });

  it('Bounce and Remove ask first, then call the API', async () => {
    backend.ok('POST', `/api/v1/queue/${ID1}/bounce`, {}).on('DELETE', `/api/v1/queue/${ID2}`, { status: 204 });
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('bounce', ID1)));
    expect(await screen.findByRole('dialog')).toHaveTextContent('delivery status notification');
    expect(backend.callsTo('POST', `/api/v1/queue/${ID1}/bounce`)).toHaveLength(0);
    await confirmDialog('Bounce');
    await waitFor(() => expect(backend.callsTo('POST', `/api/v1/queue/${ID1}/bounce`)).toHaveLength(1));

    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('remove', ID2)));
    expect(await screen.findByRole('dialog')).toHaveTextContent('cannot be undone');
    await confirmDialog('Remove');
    await waitFor(() => expect(backend.callsTo('DELETE', `/api/v1/queue/${ID2}`)).toHaveLength(1));
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent(`Removed message ${ID2}.`);
  });

  it('Clear queue confirms with the count and removes everything', async () => {
    backend.ok('DELETE', '/api/v1/queue', { removed: 2 });
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.clear));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Clear the queue?');
    expect(dialog).toHaveTextContent('This removes all 2 messages in the queue');
    await confirmDialog('Remove 2 messages');
    await waitFor(() => expect(backend.callsTo('DELETE', '/api/v1/queue')).toHaveLength(1));
    expect(backend.callsTo('DELETE', '/api/v1/queue')[0]!.params).toBeUndefined();
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent('Removed 2 messages.');
  });

  it('with a filter active, Clear removes only the filtered set', async () => {
    backend.ok('DELETE', '/api/v1/queue', { removed: 1 });
    await renderQueue();
    backend.ok('GET', '/api/v1/queue', queuePage([queueItem(ID1)], 1));
    await userEvent.type(screen.getByTestId(testIds.queue.search), 'bob');
    await userEvent.click(within(screen.getByTestId(testIds.queue.state)).getByRole('radio', { name: 'Deferred' }));
    await waitFor(() => expect(lastList()).toMatchObject({ search: 'bob', state: 'deferred' }));
    await waitFor(() => expect(isDisabled(screen.getByTestId(testIds.queue.clear))).toBe(false));
    expect(screen.getByTestId(testIds.queue.total)).toHaveTextContent('1 message matches the filter');
    await userEvent.click(screen.getByTestId(testIds.queue.clear));
    expect(await screen.findByRole('dialog')).toHaveTextContent('This removes the 1 message matching “bob” in state deferred');
    await confirmDialog('Remove 1 message');
    await waitFor(() => expect(backend.callsTo('DELETE', '/api/v1/queue')[0]?.params).toEqual({ search: 'bob', state: 'deferred' }));
  });

  it('Clear waits until a typed search has been applied', async () => {
    await renderQueue();
    backend.hang('GET', '/api/v1/queue');
    await userEvent.type(screen.getByTestId(testIds.queue.search), 'x');
    expect(isDisabled(screen.getByTestId(testIds.queue.clear))).toBe(true);
    expect(isDisabled(screen.getByTestId(testIds.queue.sendAll))).toBe(true);
  });

  it('Send all now asks first with the count, then POSTs /queue/send-now with the filter', async () => {
    backend.ok('POST', '/api/v1/queue/send-now', { messages: 2 });
    await renderQueue();
    await userEvent.click(within(screen.getByTestId(testIds.queue.state)).getByRole('radio', { name: 'Held' }));
    await waitFor(() => expect(lastList()).toMatchObject({ state: 'held' }));
    await waitFor(() => expect(isDisabled(screen.getByTestId(testIds.queue.sendAll))).toBe(false));
    await userEvent.click(screen.getByTestId(testIds.queue.sendAll));
    expect(await screen.findByRole('dialog')).toHaveTextContent('Send the filtered messages now?');
    expect(backend.callsTo('POST', '/api/v1/queue/send-now')).toHaveLength(0);
    await confirmDialog('Send 2 now');
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/queue/send-now')[0]?.params).toEqual({ state: 'held' }));
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent('2 messages are due now.');
  });

  it('a bulk action is one request for every selected message; Remove asks with the count', async () => {
    backend.on('POST', '/api/v1/queue/bulk', (call) => {
      const body = call.data as { action: string; ids: string[] };
      return { data: { action: body.action, done: body.ids.length, failed: [] } };
    });
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.selectAll));
    expect(screen.getByTestId(testIds.queue.bulkBar)).toHaveTextContent('2 selected');
    await userEvent.click(screen.getByTestId(testIds.queue.bulkAction('hold')));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/queue/bulk').map((c) => c.data)).toEqual([{ action: 'hold', ids: [ID1, ID2] }]));
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent('2 messages held.');
    expect(backend.callsTo('POST', /\/hold$/)).toHaveLength(0);

    await userEvent.click(screen.getByTestId(testIds.queue.select(ID2)));
    await userEvent.click(screen.getByTestId(testIds.queue.bulkAction('remove')));
    expect(await screen.findByRole('dialog')).toHaveTextContent('The 1 selected message is deleted');
    await confirmDialog('Remove 1');
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/queue/bulk').map((c) => c.data)).toContainEqual({ action: 'remove', ids: [ID2] }));
  });

  it('reports partial bulk failures from the bulk answer', async () => {
    backend.ok('POST', '/api/v1/queue/bulk', { action: 'bounce', done: 1, failed: [{ id: ID2, message: 'no such queued message' }] });
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.selectAll));
    await userEvent.click(screen.getByTestId(testIds.queue.bulkAction('bounce')));
    await confirmDialog('Bounce 2');
    expect(await screen.findByTestId(testIds.queue.notice)).toHaveTextContent(`1 message bounced. 1 failed (${ID2}: no such queued message).`);
  });

  it('a Viewer can look (Show) and sees no action controls at all', async () => {
    setOrgRole('Viewer');
    await renderQueue();
    for (const action of ['send-now', 'hold', 'bounce', 'remove']) expect(screen.queryByTestId(testIds.queue.rowAction(action, ID1))).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queue.clear)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queue.sendAll)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queue.selectAll)).not.toBeInTheDocument();
    expect(isDisabled(screen.getByTestId(testIds.queue.rowAction('show', ID1)))).toBe(false);
  });

  it('Show opens the drawer with the parsed message', async () => {
    backend.ok('GET', `/api/v1/queue-content/${ID1}/content`, {
      headers: [{ name: 'Subject', value: 'Hi' }],
      subject: 'Hi',
      from: null,
      to: null,
      date: null,
      text: 'Body',
      html: null,
      attachments: [],
    });
    backend.ok('GET', `/api/v1/queue/${ID1}`, queueItem(ID1));
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('show', ID1)));
    expect(await screen.findByTestId(testIds.message.headers)).toHaveTextContent('SubjectHi');
    expect(backend.callsTo('GET', `/api/v1/queue-content/${ID1}/content`)[0]!.params).toEqual({ format: 'parsed' });
  });

  it('shows a failed action with its cause and keeps the list', async () => {
    backend.fail('POST', `/api/v1/queue/${ID1}/send-now`, 403, { error: { code: 'forbidden', message: 'this action needs the operator role; the token has viewer' } });
    await renderQueue();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('send-now', ID1)));
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('needs the operator role');
    expect(screen.getByTestId(testIds.queue.row(ID1))).toBeInTheDocument();
  });
});
