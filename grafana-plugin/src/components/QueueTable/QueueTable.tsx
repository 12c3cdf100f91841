// One page of the delivery queue: sortable columns (the ones the server sorts by), a checkbox per row for
// bulk actions, and the row actions Show, Send now, Hold/Release, Bounce, Remove. Users who may not act
// (Grafana Viewers) get neither checkboxes nor action buttons, only Show.
import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Checkbox, Icon, IconButton, Tooltip, useStyles2 } from '@grafana/ui';
import type { QueueItem, QueueSort } from '../../api/types';
import { formatBytes, formatDateTime } from '../../services/format';
import { sortDirection, type SortColumn } from '../../services/queueQuery';
import { testIds } from '../../testIds';

export type RowAction = 'show' | 'send-now' | 'hold' | 'release' | 'bounce' | 'remove';

interface Props {
  items: QueueItem[];
  sort: QueueSort;
  onSort: (column: SortColumn) => void;
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
  onSelectAll: (selected: boolean) => void;
  onAction: (action: RowAction, item: QueueItem) => void;
  /** Whether the user may act (queue:write: Editor or Admin); without it only Show is offered. */
  mayAct: boolean;
}

const STATE_COLORS: Record<string, 'blue' | 'orange' | 'purple' | 'green' | 'darkgrey'> = {
  queued: 'blue',
  deferred: 'orange',
  held: 'purple',
  in_flight: 'green',
};

export function QueueTable({ items, sort, onSort, selected, onSelect, onSelectAll, onAction, mayAct }: Props) {
  const s = useStyles2(getStyles);
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));
  const someSelected = items.some((i) => selected.has(i.id));

  const sortable = (column: SortColumn, label: string) => {
    const dir = sortDirection(sort, column);
    return (
      <th aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
        <button type="button" className={s.sortButton} onClick={() => onSort(column)} data-testid={testIds.queue.sort(column)}>
          {label}
          {dir && <Icon name={dir === 'asc' ? 'arrow-up' : 'arrow-down'} size="sm" />}
        </button>
      </th>
    );
  };

  const act = (action: RowAction, item: QueueItem, icon: Parameters<typeof IconButton>[0]['name'], label: string, needsRole = true) =>
    needsRole && !mayAct ? null : (
      <IconButton name={icon} tooltip={label} aria-label={`${label} ${item.id}`} onClick={() => onAction(action, item)} data-testid={testIds.queue.rowAction(action, item.id)} />
    );

  return (
    // The table scrolls inside its own box, never the page; Actions stays pinned at the right edge.
    <div className={s.scroller}>
      <table className={s.table} data-testid={testIds.queue.table}>
        <thead>
          <tr>
            {mayAct && (
              <th className={s.check}>
                <Checkbox
                  value={allSelected}
                  indeterminate={someSelected && !allSelected}
                  onChange={(e) => onSelectAll(e.currentTarget.checked)}
                  aria-label="Select all on this page"
                  data-testid={testIds.queue.selectAll}
                />
              </th>
            )}
            <th>Id</th>
            <th>From</th>
            <th>To</th>
            {sortable('size', 'Size')}
            {sortable('created', 'Created')}
            {sortable('attempts', 'Attempts')}
            {sortable('nextAttempt', 'Next attempt')}
            <th>Last error</th>
            <th className={s.actions}>Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-testid={testIds.queue.row(item.id)} className={cx(selected.has(item.id) && s.selectedRow)}>
              {mayAct && (
                <td className={s.check}>
                  <Checkbox value={selected.has(item.id)} onChange={(e) => onSelect(item.id, e.currentTarget.checked)} aria-label={`Select ${item.id}`} data-testid={testIds.queue.select(item.id)} />
                </td>
              )}
              <td className={s.mono}>
                <button type="button" className={s.linkButton} onClick={() => onAction('show', item)}>
                  {item.id}
                </button>
                <div>
                  <Badge color={STATE_COLORS[item.held ? 'held' : item.state] ?? 'darkgrey'} text={item.held ? 'held' : item.state.replace('_', ' ')} />
                </div>
              </td>
              <td className={s.address}>
                <span title={item.from || '<>'}>{item.from || '<>'}</span>
              </td>
              <td className={s.address}>
                {item.to.slice(0, 3).map((to) => (
                  <span key={to} title={to}>
                    {to}
                  </span>
                ))}
                {item.to.length > 3 && <span>+{item.to.length - 3} more</span>}
              </td>
              <td className={s.nowrap}>{formatBytes(item.size)}</td>
              <td className={s.nowrap}>{formatDateTime(item.createdAt)}</td>
              <td>{item.attempts}</td>
              <td className={s.nowrap}>{item.held ? 'held' : formatDateTime(item.nextAttemptAt)}</td>
              <td className={s.error}>
                {item.lastError ? (
                  <Tooltip content={item.lastError}>
                    <span>{item.lastError}</span>
                  </Tooltip>
                ) : (
                  '-'
                )}
              </td>
              <td className={s.actions}>
                {act('show', item, 'eye', 'Show', false)}
                {act('send-now', item, 'message', 'Send now')}
                {item.held ? act('release', item, 'play', 'Release') : act('hold', item, 'pause', 'Hold')}
                {act('bounce', item, 'corner-up-left', 'Bounce')}
                {act('remove', item, 'trash-alt', 'Remove')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  scroller: css({ overflowX: 'auto', maxWidth: '100%' }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.75, 1), textAlign: 'left', borderBottom: `1px solid ${theme.colors.border.weak}`, verticalAlign: 'top' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  selectedRow: css({ background: theme.colors.action.selected }),
  check: css({ width: theme.spacing(4) }),
  sortButton: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    '&:hover': { color: theme.colors.text.primary },
  }),
  linkButton: css({ all: 'unset', cursor: 'pointer', color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  // One address a line, whole or cut with an ellipsis (the full one in its title): breaking anywhere let the
  // table squeeze the column to a letter a line at 1280 px.
  address: css({
    minWidth: 140,
    maxWidth: 220,
    span: { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  error: css({ maxWidth: 220, color: theme.colors.text.secondary, span: { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } }),
  actions: css({
    whiteSpace: 'nowrap',
    textAlign: 'right',
    position: 'sticky',
    right: 0,
    background: theme.colors.background.primary,
    'button + button': { marginLeft: theme.spacing(0.5) },
  }),
});
