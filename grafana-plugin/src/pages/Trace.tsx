// Message trace: "where did this message go?" Search by queue id, Message-ID, sender or recipient, queued
// or finished within delivery.history_days, and open one message's timeline. The search is in the URL
// (?search=&id=) so a trace can be linked to.
import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateMath, dateTime, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Badge, Button, EmptyState, Input, LoadingPlaceholder, TimeRangeInput, useStyles2 } from '@grafana/ui';
import { useSearchParams } from 'react-router-dom';
import { traceApi } from '../api/trace';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { TraceTimeline, traceTestIds } from '../components/TraceTimeline/TraceTimeline';
import { useApi } from '../hooks/useApi';
import { formatDateTime } from '../services/format';

export const tracePageTestIds = {
  search: 'data-testid trace-search',
  submit: 'data-testid trace-submit',
  range: 'data-testid trace-range',
  results: 'data-testid trace-results',
  result: (id: string) => `data-testid trace-result-${id}`,
  ...traceTestIds,
};

const PAGE_SIZE = 50;

/**
 * The acceptance-time window of the search, kept in the URL as Grafana keeps a dashboard's (`from=now-24h`,
 * or absolute ISO times) so a search with its window can be linked to; none means all the kept history.
 */
function rangeOf(from: string, to: string): TimeRange {
  if (!from && !to) {
    const none = dateTime(null);
    return { from: none, to: none, raw: { from: none, to: none } };
  }
  return { from: dateMath.parse(from || 'now-7d') ?? dateTime(null), to: dateMath.parse(to || 'now', true) ?? dateTime(null), raw: { from: from || 'now-7d', to: to || 'now' } };
}

const rawText = (r: TimeRange['raw']['from']) => (typeof r === 'string' ? r : r.toISOString());

/** What the API takes: absolute ISO times, resolved when the search runs ("now-1h" moves with the clock). */
const isoOf = (range: TimeRange) => (range.from.isValid() ? { from: range.from.toISOString(), to: range.to.toISOString() } : {});

function Trace() {
  const s = useStyles2(getStyles);
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const selected = params.get('id');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [draft, setDraft] = useState(search);
  const results = useApi(() => traceApi.search({ search, ...isoOf(rangeOf(from, to)), offset: 0, limit: PAGE_SIZE }), [search, from, to]);
  const timeline = useApi(() => (selected ? traceApi.timeline(selected) : Promise.resolve(null)), [selected]);

  /** The URL's parameters with some replaced; empty values are left out. */
  const navigate = (next: { search?: string; from?: string; to?: string; id?: string }) => {
    const merged = { search, from, to, ...next };
    setParams(Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')));
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    navigate({ search: draft.trim() });
  };
  const open = (id: string) => navigate({ id });
  const pickRange = (range: TimeRange) => (range.from.isValid() ? navigate({ from: rawText(range.raw.from), to: rawText(range.raw.to) }) : navigate({ from: '', to: '' }));

  return (
    <PluginPage pageNav={{ text: 'Trace' }}>
      <form className={s.form} onSubmit={submit} role="search">
        <Input
          aria-label="Find messages"
          placeholder="Queue id, Message-ID, sender or recipient"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          data-testid={tracePageTestIds.search}
        />
        <div className={s.range} data-testid={tracePageTestIds.range}>
          <TimeRangeInput value={rangeOf(from, to)} onChange={pickRange} clearable placeholder="Any time" />
        </div>
        <Button type="submit" icon="search" data-testid={tracePageTestIds.submit}>
          Find
        </Button>
      </form>
      <div className={s.layout}>
        <section aria-label="Messages" data-testid={tracePageTestIds.results} className={s.list}>
          {results.error && <ErrorState error={results.error} onRetry={() => void results.reload()} />}
          {!results.data && results.loading && <LoadingPlaceholder text="Searching…" />}
          {results.data && results.data.items.length === 0 && <EmptyState variant="not-found" message="No message found" />}
          {results.data && results.data.items.length > 0 && (
            <>
              <p className={s.count}>{results.data.total > results.data.items.length ? `The newest ${results.data.items.length} of ${results.data.total}` : `${results.data.total} found`}</p>
              <ul className={s.items}>
                {results.data.items.map((m) => (
                  <li key={m.id}>
                    <button type="button" className={m.id === selected ? s.itemSelected : s.item} onClick={() => open(m.id)} data-testid={tracePageTestIds.result(m.id)}>
                      <span className={s.itemHead}>
                        <code>{m.id}</code> <Badge text={m.state} color={m.state === 'queued' ? 'orange' : 'green'} />
                      </span>
                      <span>
                        {m.from || '<>'} → {m.to.join(', ')}
                      </span>
                      <span className={s.count}>{formatDateTime(m.acceptedAt)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section aria-label="Timeline" className={s.detail}>
          {!selected && <p className={s.count}>Pick a message to see where it went.</p>}
          {timeline.error && <ErrorState error={timeline.error} onRetry={() => void timeline.reload()} />}
          {selected && !timeline.data && timeline.loading && <LoadingPlaceholder text="Loading the timeline…" />}
          {timeline.data && (
            <>
              <h3 className={s.heading}>{timeline.data.messageId ? `<${timeline.data.messageId}>` : timeline.data.id}</h3>
              <TraceTimeline timeline={timeline.data} />
            </>
          )}
        </section>
      </div>
    </PluginPage>
  );
}

export default Trace;

const getStyles = (theme: GrafanaTheme2) => {
  const item = css({
    display: 'flex',
    flexDirection: 'column',
    width: '100%',
    textAlign: 'left',
    gap: theme.spacing(0.25),
    padding: theme.spacing(1),
    background: 'none',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.primary,
    overflowWrap: 'anywhere',
    cursor: 'pointer',
  });
  return {
    form: css({ display: 'flex', gap: theme.spacing(1), marginBottom: theme.spacing(2), maxWidth: 960 }),
    range: css({ flex: '0 0 auto', minWidth: 220 }),
    layout: css({ display: 'grid', gridTemplateColumns: 'minmax(16rem, 1fr) 2fr', gap: theme.spacing(2), minWidth: 0 }),
    list: css({ minWidth: 0 }),
    detail: css({ minWidth: 0 }),
    items: css({ listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
    item,
    itemSelected: css(item, { borderColor: theme.colors.primary.border, background: theme.colors.action.selected }),
    itemHead: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center' }),
    count: css({ color: theme.colors.text.secondary }),
    heading: css({ overflowWrap: 'anywhere' }),
  };
};
