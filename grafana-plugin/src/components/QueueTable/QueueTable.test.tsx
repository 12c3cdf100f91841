import React from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { QueueTable } from './QueueTable';
import { ID1, ID2, queueItem } from '../../test/fixtures';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';

const items = [queueItem(ID1, { to: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'] }), queueItem(ID2, { held: true, state: 'held', lastError: null, from: '' })];

function setup(overrides: Partial<React.ComponentProps<typeof QueueTable>> = {}) {
  const props = {
    items,
    sort: '-size' as const,
    onSort: vi.fn(),
    selected: new Set<string>([ID1]),
    onSelect: vi.fn(),
    onSelectAll: vi.fn(),
    onAction: vi.fn(),
    mayAct: true,
    ...overrides,
  };
  renderWithGrafana(<QueueTable {...props} />);
  return props;
}

describe('QueueTable', () => {
  it('marks the sorted column and reports clicks on sortable headers', async () => {
    const props = setup();
    expect(screen.getByRole('columnheader', { name: /Size/ })).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByRole('columnheader', { name: /Created/ })).toHaveAttribute('aria-sort', 'none');
    await userEvent.click(screen.getByTestId(testIds.queue.sort('attempts')));
    expect(props.onSort).toHaveBeenCalledWith('attempts');
  });

  it('shortens long recipient lists, shows the null sender as <> and a held row as held', () => {
    setup();
    const row = screen.getByTestId(testIds.queue.row(ID1));
    // One address a line, each whole in its title when the column cuts it short.
    expect(['a@x.test', 'b@x.test', 'c@x.test'].map((a) => within(row).getByTitle(a).textContent)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(row).toHaveTextContent('+1 more');
    const held = screen.getByTestId(testIds.queue.row(ID2));
    expect(held).toHaveTextContent('<>');
    expect(within(held).getAllByText('held').length).toBeGreaterThan(0);
  });

  it('offers Release for held rows and Hold for the others', async () => {
    const props = setup();
    expect(screen.getByTestId(testIds.queue.rowAction('hold', ID1))).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queue.rowAction('release', ID1))).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('release', ID2)));
    expect(props.onAction).toHaveBeenCalledWith('release', items[1]);
  });

  it('reports selection of one row and of the whole page', async () => {
    const props = setup();
    await userEvent.click(screen.getByTestId(testIds.queue.select(ID2)));
    expect(props.onSelect).toHaveBeenCalledWith(ID2, true);
    await userEvent.click(screen.getByTestId(testIds.queue.select(ID1)));
    expect(props.onSelect).toHaveBeenCalledWith(ID1, false);
    await userEvent.click(screen.getByTestId(testIds.queue.selectAll));
    expect(props.onSelectAll).toHaveBeenCalledWith(true);
  });

  it('clicking the id shows the message', async () => {
    const props = setup();
    await userEvent.click(screen.getByRole('button', { name: ID1 }));
    expect(props.onAction).toHaveBeenCalledWith('show', items[0]);
  });

  it('without the role, actions and checkboxes are not shown, Show is', async () => {
    const props = setup({ mayAct: false });
    expect(screen.queryByTestId(testIds.queue.rowAction('remove', ID1))).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queue.select(ID1))).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.queue.rowAction('show', ID1)));
    expect(props.onAction).toHaveBeenCalledWith('show', items[0]);
  });
});
