// One queued message in a drawer: its headers, text (and the server-sanitised HTML in a sandboxed frame),
// attachments, raw source (fetched when its tab opens) and the delivery state of each recipient. Content is
// private: without content:read (Grafana Editor; Mailroom's operator token) the drawer has only the
// recipients tab (envelope, state and errors) and never asks for the content.
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Drawer, LoadingPlaceholder, Tab, TabContent, TabsBar, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../../api/mailroom';
import type { QueueItem } from '../../api/types';
import { useApi, type ApiState } from '../../hooks/useApi';
import { formatBytes, formatDateTime } from '../../services/format';
import { testIds } from '../../testIds';
import { ErrorState } from '../ErrorState/ErrorState';
import { MessageTrace } from '../MessageTrace/MessageTrace';

type TabId = 'headers' | 'text' | 'attachments' | 'raw' | 'recipients' | 'trace';
const CONTENT_TABS: ReadonlySet<TabId> = new Set(['headers', 'text', 'attachments', 'raw']);
const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'headers', label: 'Headers' },
  { id: 'text', label: 'Text' },
  { id: 'attachments', label: 'Attachments' },
  { id: 'raw', label: 'Raw source' },
  { id: 'recipients', label: 'Recipients' },
  { id: 'trace', label: 'Trace' },
];

interface Props {
  id: string;
  /** content:read: headers, text, attachments and raw source. */
  mayReadContent: boolean;
  onClose: () => void;
}

const NO_CONTENT = Promise.resolve(undefined);

export function MessageDrawer({ id, mayReadContent, onClose }: Props) {
  const s = useStyles2(getStyles);
  const [tab, setTab] = useState<TabId>(mayReadContent ? 'headers' : 'recipients');
  const parsed = useApi(() => (mayReadContent ? mailroomApi.parsedContent(id) : NO_CONTENT), [id, mayReadContent]);
  const item = useApi(() => mailroomApi.queueItem(id), [id]);
  const message = parsed.data;

  const tabs = (
    <TabsBar>
      {TABS.filter((t) => mayReadContent || !CONTENT_TABS.has(t.id)).map((t) => (
        <Tab
          key={t.id}
          label={t.label}
          active={tab === t.id}
          onChangeTab={() => setTab(t.id)}
          counter={t.id === 'attachments' ? (message?.attachments.length ?? null) : null}
          data-testid={testIds.message.tab(t.id)}
        />
      ))}
    </TabsBar>
  );

  return (
    <Drawer title={mayReadContent ? message?.subject || '(no subject)' : 'Queued message'} subtitle={<span className={s.mono}>{id}</span>} onClose={onClose} size="lg" tabs={tabs}>
      <div data-testid={testIds.message.drawer}>
        <TabContent>
          {tab === 'recipients' ? (
            <Recipients state={item} />
          ) : tab === 'trace' ? (
            <MessageTrace id={id} />
          ) : parsed.error ? (
            <ErrorState error={parsed.error} onRetry={() => void parsed.reload()} />
          ) : !message ? (
            <LoadingPlaceholder text="Loading the message…" />
          ) : tab === 'headers' ? (
            <table className={s.table} data-testid={testIds.message.headers}>
              <tbody>
                {message.headers.map((h, i) => (
                  <tr key={`${h.name}-${i}`}>
                    <th>{h.name}</th>
                    <td className={s.mono}>{h.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : tab === 'text' ? (
            <div data-testid={testIds.message.text}>
              {message.text !== null ? <pre className={s.pre}>{message.text}</pre> : !message.html && <p>The message has no text part.</p>}
              {message.html && (
                <>
                  <h4>HTML part (sanitised by Mailroom)</h4>
                  {message.htmlTruncated && <p>Only the beginning of the HTML part is shown (Mailroom sanitises at most 128 KiB); Raw source has all of it.</p>}
                  <iframe title="HTML part" sandbox="" srcDoc={message.html} className={s.frame} />
                </>
              )}
            </div>
          ) : tab === 'attachments' ? (
            <div data-testid={testIds.message.attachments}>
              {message.attachments.length === 0 ? (
                <p>No attachments.</p>
              ) : (
                <table className={s.table}>
                  <thead>
                    <tr>
                      <th>File name</th>
                      <th>Type</th>
                      <th>Size</th>
                    </tr>
                  </thead>
                  <tbody>
                    {message.attachments.map((a, i) => (
                      <tr key={`${a.filename}-${i}`}>
                        <td>{a.filename ?? '(unnamed)'}</td>
                        <td>{a.contentType}</td>
                        <td>{formatBytes(a.size)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ) : (
            <RawSource id={id} />
          )}
        </TabContent>
      </div>
    </Drawer>
  );
}

function RawSource({ id }: { id: string }) {
  const s = useStyles2(getStyles);
  const raw = useApi(() => mailroomApi.rawContent(id), [id]);
  if (raw.error) return <ErrorState error={raw.error} onRetry={() => void raw.reload()} />;
  if (raw.data === undefined) return <LoadingPlaceholder text="Loading the raw source…" />;
  return (
    <pre className={s.pre} data-testid={testIds.message.raw}>
      {raw.data}
    </pre>
  );
}

function Recipients({ state }: { state: ApiState<QueueItem> }) {
  const s = useStyles2(getStyles);
  if (state.error) return <ErrorState error={state.error} onRetry={() => void state.reload()} />;
  if (!state.data) return <LoadingPlaceholder text="Loading recipients…" />;
  return (
    <table className={s.table} data-testid={testIds.message.recipients}>
      <thead>
        <tr>
          <th>Recipient</th>
          <th>State</th>
          <th>Attempts</th>
          <th>Last attempt</th>
          <th>Next attempt</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {state.data.recipients.map((r) => (
          <tr key={r.address}>
            <td>{r.address}</td>
            <td>{r.state}</td>
            <td>{r.attempts}</td>
            <td>{formatDateTime(r.lastAttemptAt)}</td>
            <td>{formatDateTime(r.nextAttemptAt)}</td>
            <td>{r.lastError ?? '-'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  pre: css({
    color: theme.colors.text.primary,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    padding: theme.spacing(1),
    maxHeight: '70vh',
    overflow: 'auto',
  }),
  table: css({
    width: '100%',
    'th, td': { padding: theme.spacing(0.5, 1), textAlign: 'left', verticalAlign: 'top', borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, whiteSpace: 'nowrap', fontWeight: theme.typography.fontWeightMedium },
    td: { overflowWrap: 'anywhere' },
  }),
  frame: css({ width: '100%', minHeight: 320, border: `1px solid ${theme.colors.border.weak}`, background: '#fff' }),
});
