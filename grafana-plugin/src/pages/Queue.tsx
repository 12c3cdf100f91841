// Status > Delivery queue: a server-side paged, sorted and filtered view of the queue with row and bulk
// actions, Clear (all, or just what the filter matches), Send now for the whole filtered set, and a choice
// of auto-refresh. Actions on more than one message (bulk, clear, send all) and destructive ones (bounce,
// remove) ask first and say how many messages. Bulk actions are one request (POST /api/v1/queue/bulk).
// Users who may not act see no action controls at all; message content needs content:read. Above the list,
// the queue's depth by state and its oldest message's age over a picked time range (Prometheus, scenes/).
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { rangeUtil, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, ConfirmModal, EmptyState, FilterInput, LoadingPlaceholder, Pagination, RadioButtonGroup, RefreshPicker, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../api/mailroom';
import type { QueueAction, QueueItem, QueueState } from '../api/types';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { MessageDrawer } from '../components/MessageDrawer/MessageDrawer';
import { QueueTable, type RowAction } from '../components/QueueTable/QueueTable';
import { useApi } from '../hooks/useApi';
import { useInterval } from '../hooks/useInterval';
import { useAccess } from '../hooks/useOrgRole';
import { buildQueueTrends } from '../scenes/queueTrends';
import { TrendPanels } from '../scenes/TrendPanels';
import { toMailroomError, type MailroomError } from '../api/errors';
import { bulkSummary, type BulkAction } from '../services/bulk';
import { clampPage, DEFAULT_VIEW, describeSet, filterOf, isFiltered, nextSort, PAGE_SIZES, pageCount, toQuery, type QueueView } from '../services/queueQuery';
import { testIds } from '../testIds';

const SEARCH_DEBOUNCE_MS = 300;
const STATE_OPTIONS: Array<{ label: string; value: QueueState | 'all' }> = [
  { label: 'All', value: 'all' },
  { label: 'Queued', value: 'queued' },
  { label: 'Deferred', value: 'deferred' },
  { label: 'Held', value: 'held' },
  { label: 'In flight', value: 'in_flight' },
];
const AUTO_REFRESH_INTERVALS = ['5s', '10s', '30s', '1m', '5m'];

interface Confirmation {
  title: string;
  body: string;
  confirmText: string;
  run: () => Promise<void>;
}

function Queue() {
  const s = useStyles2(getStyles);
  const access = useAccess();
  const mayAct = access.operate;
  const [view, setView] = useState<QueueView>(DEFAULT_VIEW);
  const [searchInput, setSearchInput] = useState('');
  const [refresh, setRefresh] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [showId, setShowId] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ action: string; error: MailroomError } | null>(null);
  const [busy, setBusy] = useState(false);
  const page = useApi(() => mailroomApi.listQueue(toQuery(view)), [view]);

  useInterval(() => void page.reload(), refresh ? rangeUtil.intervalToMs(refresh) : 0);

  useEffect(() => {
    const timer = setTimeout(() => setView((v) => (v.search === searchInput ? v : { ...v, search: searchInput, page: 1 })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchInput]);

  // Keep the selection to rows still on screen, and step back when removals emptied the last page.
  useEffect(() => {
    const data = page.data;
    if (!data) return;
    const ids = new Set(data.items.map((i) => i.id));
    setSelected((sel) => (Array.from(sel).every((id) => ids.has(id)) ? sel : new Set(Array.from(sel).filter((id) => ids.has(id)))));
    setView((v) => clampPage(v, data.total));
  }, [page.data]);

  const total = page.data?.total ?? 0;
  // A broad search counts 1,000 matches and says "at least" (the API's totalExact): show it as such.
  const totalText = page.data?.totalExact === false ? `${total} or more` : String(total);
  const filtered = isFiltered(view);
  // Clear and Send now act on the filter the list shows: not while a typed search is still pending or the
  // list for a changed filter has not arrived, so the count in the confirmation is the one acted on.
  const settled = searchInput === view.search && page.fresh;

  /** Runs an action, reports its outcome, and reloads the page either way. */
  const perform = async (label: string, run: () => Promise<string>) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(await run());
    } catch (err) {
      setActionError({ action: `Could not ${label}`, error: toMailroomError(err) });
    } finally {
      setBusy(false);
      setConfirm(null);
      await page.reload();
    }
  };

  const rowAction = (action: RowAction, item: QueueItem) => {
    if (action === 'show') return setShowId(item.id);
    if (action === 'remove') {
      return setConfirm({
        title: 'Remove this message?',
        body: `Message ${item.id} from ${item.from || '<>'} is deleted from the queue without a bounce. This cannot be undone.`,
        confirmText: 'Remove',
        run: () => perform('remove the message', async () => (await mailroomApi.removeFromQueue(item.id), `Removed message ${item.id}.`)),
      });
    }
    if (action === 'bounce') {
      return setConfirm({
        title: 'Bounce this message?',
        body: `Mailroom gives up on message ${item.id} now and sends ${item.from || 'the sender'} a delivery status notification.`,
        confirmText: 'Bounce',
        run: () => perform('bounce the message', async () => (await mailroomApi.queueAction(item.id, 'bounce'), `Bounced message ${item.id}.`)),
      });
    }
    const done: Record<Exclude<QueueAction, 'bounce'>, string> = {
      'send-now': `Message ${item.id} is being delivered now.`,
      hold: `Message ${item.id} is held: no delivery attempts until released.`,
      release: `Message ${item.id} is released.`,
    };
    void perform(`${action.replace('-', ' ')} the message`, async () => (await mailroomApi.queueAction(item.id, action), done[action]));
  };

  const bulk = (action: BulkAction) => {
    const ids = Array.from(selected);
    const run = () =>
      perform(`${action.replace('-', ' ')} the selected messages`, async () => {
        const result = await mailroomApi.bulkAction(action, ids);
        setSelected(new Set());
        return bulkSummary(action, result);
      });
    if (action === 'remove' || action === 'bounce') {
      const n = ids.length;
      setConfirm({
        title: action === 'remove' ? `Remove ${n} ${n === 1 ? 'message' : 'messages'}?` : `Bounce ${n} ${n === 1 ? 'message' : 'messages'}?`,
        body:
          action === 'remove'
            ? `The ${n} selected ${n === 1 ? 'message is' : 'messages are'} deleted from the queue without bounces. This cannot be undone.`
            : `Mailroom gives up on the ${n} selected ${n === 1 ? 'message' : 'messages'} now and sends each sender a delivery status notification.`,
        confirmText: action === 'remove' ? `Remove ${n}` : `Bounce ${n}`,
        run,
      });
    } else {
      void run();
    }
  };

  const clearQueue = () =>
    setConfirm({
      title: filtered ? 'Remove the filtered messages?' : 'Clear the queue?',
      body: `This removes ${describeSet(total, view)}, without bounces. This cannot be undone.`,
      confirmText: `Remove ${totalText} ${total === 1 ? 'message' : 'messages'}`,
      run: () =>
        perform('clear the queue', async () => {
          const { removed } = await mailroomApi.clearQueue(filterOf(view));
          return `Removed ${removed} ${removed === 1 ? 'message' : 'messages'}.`;
        }),
    });

  const sendAllNow = () =>
    setConfirm({
      title: filtered ? 'Send the filtered messages now?' : 'Send every queued message now?',
      body: `Mailroom tries ${describeSet(total, view)} at once instead of waiting for the retry schedule. Held messages stay held.`,
      confirmText: `Send ${total} now`,
      run: () =>
        perform('send the messages now', async () => {
          const { messages } = await mailroomApi.sendNowMatching(filterOf(view));
          return `${messages} ${messages === 1 ? 'message is' : 'messages are'} due now.`;
        }),
    });

  const actionProps = (disabled: boolean) => ({ disabled: disabled || busy });

  return (
    <PluginPage>
      <div data-testid={testIds.queue.container}>
        <TrendPanels name="queue" build={buildQueueTrends} />
        <div className={s.toolbar}>
          <div className={s.search}>
            <FilterInput value={searchInput} onChange={setSearchInput} escapeRegex={false} placeholder="Search id, sender, recipient, error" data-testid={testIds.queue.search} />
          </div>
          <div data-testid={testIds.queue.state}>
            <RadioButtonGroup<QueueState | 'all'>
              aria-label="State"
              options={STATE_OPTIONS}
              value={view.state ?? 'all'}
              onChange={(v) => setView((cur) => ({ ...cur, state: v === 'all' ? null : v, page: 1 }))}
            />
          </div>
          <div className={s.spacer} />
          <div data-testid={testIds.queue.autoRefresh}>
            <RefreshPicker onRefresh={() => void page.reload()} onIntervalChanged={setRefresh} value={refresh} intervals={AUTO_REFRESH_INTERVALS} isLoading={page.loading} text="Refresh" />
          </div>
          {mayAct && (
            <>
              <Button variant="secondary" icon="message" onClick={sendAllNow} {...actionProps(total === 0 || !settled)} data-testid={testIds.queue.sendAll}>
                {filtered ? 'Send matching now' : 'Send all now'}
              </Button>
              <Button variant="destructive" icon="trash-alt" onClick={clearQueue} {...actionProps(total === 0 || !settled)} data-testid={testIds.queue.clear}>
                {filtered ? 'Remove matching' : 'Clear queue'}
              </Button>
            </>
          )}
        </div>

        {notice && (
          <div data-testid={testIds.queue.notice}>
            <Alert severity="success" title={notice} onRemove={() => setNotice(null)} />
          </div>
        )}
        {actionError && <ErrorState error={actionError.error} action={actionError.action} onDismiss={() => setActionError(null)} />}

        {mayAct && selected.size > 0 && (
          <div className={s.bulk} data-testid={testIds.queue.bulkBar}>
            <span>{selected.size} selected</span>
            <Button size="sm" variant="secondary" onClick={() => bulk('send-now')} {...actionProps(false)} data-testid={testIds.queue.bulkAction('send-now')}>
              Send now
            </Button>
            <Button size="sm" variant="secondary" onClick={() => bulk('hold')} {...actionProps(false)} data-testid={testIds.queue.bulkAction('hold')}>
              Hold
            </Button>
            <Button size="sm" variant="secondary" onClick={() => bulk('release')} {...actionProps(false)} data-testid={testIds.queue.bulkAction('release')}>
              Release
            </Button>
            <Button size="sm" variant="secondary" onClick={() => bulk('bounce')} {...actionProps(false)} data-testid={testIds.queue.bulkAction('bounce')}>
              Bounce
            </Button>
            <Button size="sm" variant="destructive" onClick={() => bulk('remove')} {...actionProps(false)} data-testid={testIds.queue.bulkAction('remove')}>
              Remove
            </Button>
            <Button size="sm" variant="secondary" fill="text" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          </div>
        )}

        {page.error && <ErrorState error={page.error} onRetry={() => void page.reload()} />}
        {!page.data && page.loading && (
          <div data-testid={testIds.queue.loading}>
            <LoadingPlaceholder text="Loading the queue…" />
          </div>
        )}
        {page.data && (
          <>
            <p className={s.total} data-testid={testIds.queue.total}>
              {totalText} {total === 1 ? 'message' : 'messages'}
              {filtered ? (total === 1 ? ' matches the filter' : ' match the filter') : ' in the queue'}
            </p>
            {page.data.items.length === 0 ? (
              <div data-testid={testIds.queue.empty}>
                {filtered ? <EmptyState variant="not-found" message="No message matches the filter" /> : <EmptyState variant="completed" message="The queue is empty" />}
              </div>
            ) : (
              <QueueTable
                items={page.data.items}
                sort={view.sort}
                onSort={(column) => setView((v) => ({ ...v, sort: nextSort(v.sort, column), page: 1 }))}
                selected={selected}
                onSelect={(id, on) => setSelected((sel) => toggled(sel, [id], on))}
                onSelectAll={(on) => setSelected((sel) => toggled(sel, page.data?.items.map((i) => i.id) ?? [], on))}
                onAction={rowAction}
                mayAct={mayAct}
              />
            )}
            <div className={s.footer}>
              <div data-testid={testIds.queue.pagination}>
                <Pagination currentPage={view.page} numberOfPages={pageCount(total, view.pageSize)} onNavigate={(p) => setView((v) => ({ ...v, page: p }))} hideWhenSinglePage />
              </div>
              {total > 0 && (
                <div data-testid={testIds.queue.pageSize}>
                  <RadioButtonGroup
                    size="sm"
                    aria-label="Page size"
                    options={PAGE_SIZES.map((n) => ({ label: `${n} / page`, value: n }))}
                    value={view.pageSize}
                    onChange={(n) => setView((v) => ({ ...v, pageSize: n, page: 1 }))}
                  />
                </div>
              )}
            </div>
          </>
        )}
      </div>
      {showId && <MessageDrawer id={showId} mayReadContent={access.readContent} onClose={() => setShowId(null)} />}
      <ConfirmModal
        isOpen={confirm !== null}
        title={confirm?.title ?? ''}
        body={confirm?.body ?? ''}
        confirmText={confirm?.confirmText ?? 'Confirm'}
        onConfirm={() => confirm?.run()}
        onDismiss={() => setConfirm(null)}
      />
    </PluginPage>
  );
}

function toggled(sel: ReadonlySet<string>, ids: readonly string[], on: boolean): ReadonlySet<string> {
  const next = new Set(sel);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

export default Queue;

const getStyles = (theme: GrafanaTheme2) => ({
  // One line at 1280 px: the search shrinks before anything wraps.
  toolbar: css({ display: 'flex', flexWrap: 'nowrap', alignItems: 'center', gap: theme.spacing(1), marginBottom: theme.spacing(2), '& > *': { flexShrink: 0 } }),
  search: css({ flex: '0 1 352px', minWidth: 160, '&&': { flexShrink: 1 } }),
  spacer: css({ flex: 1 }),
  bulk: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    marginBottom: theme.spacing(1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  total: css({ color: theme.colors.text.secondary }),
  footer: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: theme.spacing(2), gap: theme.spacing(2) }),
});
