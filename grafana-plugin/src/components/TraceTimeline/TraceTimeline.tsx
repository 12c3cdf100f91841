// One message's trace as a timeline: accepted (node, client, TLS, scan verdicts), each attempt per
// recipient (MX host and address, TLS, reply, duration), and when it left the queue. The Trace page and
// the queue's message drawer both show it.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { TraceEvent, TraceTimeline as Timeline } from '../../api/trace';
import { formatBytes, formatDateTime } from '../../services/format';

export const traceTestIds = {
  timeline: 'data-testid trace-timeline',
  event: (i: number) => `data-testid trace-event-${i}`,
  recipient: (address: string) => `data-testid trace-recipient-${address}`,
};

const RESULT_COLOR = { delivered: 'green', deferred: 'orange', bounced: 'red' } as const;

function describe(e: TraceEvent): { title: string; detail: string } {
  switch (e.type) {
    case 'accepted':
      return {
        title: 'Accepted',
        detail: [e.node && `on ${e.node}`, e.clientAddress && `from ${e.clientAddress}`, e.tls ? `over ${e.tls}` : 'without TLS', formatBytes(e.size), e.scan].filter(Boolean).join(' · '),
      };
    case 'attempt':
      return {
        title: `${e.result[0]!.toUpperCase()}${e.result.slice(1)}: ${e.recipient}`,
        detail: [e.mxHost && `via ${e.mxHost}${e.mxIp && e.mxIp !== e.mxHost ? ` (${e.mxIp})` : ''}`, e.tls && `over ${e.tls}`, e.replyText, e.durationMs !== null && `${e.durationMs} ms`]
          .filter(Boolean)
          .join(' · '),
      };
    case 'left_queue':
      return { title: 'Left the queue', detail: '' };
  }
}

export function TraceTimeline({ timeline }: { timeline: Timeline }) {
  const s = useStyles2(getStyles);
  return (
    <div data-testid={traceTestIds.timeline}>
      <div className={s.recipients}>
        {timeline.recipients.map((r) => (
          <span key={r.address} data-testid={traceTestIds.recipient(r.address)}>
            {r.address} <Badge text={r.state} color={r.state === 'delivered' ? 'green' : r.state === 'bounced' ? 'red' : r.state === 'deferred' ? 'orange' : 'blue'} />
          </span>
        ))}
      </div>
      <ol className={s.events} aria-label="Timeline">
        {timeline.events.map((e, i) => {
          const { title, detail } = describe(e);
          return (
            <li key={i} className={s.event} data-testid={traceTestIds.event(i)}>
              <time className={s.time}>{formatDateTime(e.time)}</time>
              <span className={s.title}>
                {e.type === 'attempt' ? <Badge text={title} color={RESULT_COLOR[e.result]} /> : title}
                {e.type === 'attempt' && e.replyCode !== null && <span className={s.code}>{e.replyCode}</span>}
              </span>
              {detail && <span className={s.detail}>{detail}</span>}
            </li>
          );
        })}
      </ol>
      {timeline.omittedAttempts > 0 && <p className={s.detail}>{timeline.omittedAttempts} more attempts were counted and not kept.</p>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  recipients: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2), marginBottom: theme.spacing(2) }),
  events: css({ listStyle: 'none', padding: 0, margin: 0, borderLeft: `2px solid ${theme.colors.border.medium}` }),
  event: css({ display: 'grid', gridTemplateColumns: '12rem 1fr', columnGap: theme.spacing(2), padding: theme.spacing(0.5, 0, 0.5, 2) }),
  time: css({ color: theme.colors.text.secondary, fontVariantNumeric: 'tabular-nums' }),
  title: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', overflowWrap: 'anywhere' }),
  code: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  detail: css({ gridColumn: 2, color: theme.colors.text.secondary, overflowWrap: 'anywhere' }),
});
