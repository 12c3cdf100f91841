// The queue drawer's Trace tab: the message's timeline (GET /api/v1/trace/:id) and its log lines from the
// Loki data source picked on the configuration page, found by a line filter on the queue id
// (services/messageLogql.ts), with a link to run the same query in Explore.
import React from 'react';
import { css } from '@emotion/css';
import { usePluginContext, type GrafanaTheme2 } from '@grafana/data';
import { config, getBackendSrv } from '@grafana/runtime';
import { LinkButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';
import { traceApi } from '../../api/trace';
import { useApi } from '../../hooks/useApi';
import { formatLogTime } from '../../services/format';
import { linesFromQueryResponse, type LokiLine } from '../../services/lokiFrames';
import { exploreUrl } from '../../services/logql';
import { messageLogQL } from '../../services/messageLogql';
import type { AppJsonData } from '../../services/settings';
import { ErrorState } from '../ErrorState/ErrorState';
import { TraceTimeline } from '../TraceTimeline/TraceTimeline';

export const messageTraceTestIds = {
  logs: 'data-testid message-trace-logs',
  noLoki: 'data-testid message-trace-no-loki',
};

/** How far back the lines are looked for: the history is kept a week by default. */
const LOG_RANGE = { from: 'now-7d', to: 'now' };
const MAX_LINES = 500;

async function loadLines(uid: string, expr: string): Promise<LokiLine[]> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<unknown>({
      method: 'POST',
      url: '/api/ds/query',
      data: { queries: [{ refId: 'A', datasource: { type: 'loki', uid }, expr, queryType: 'range', maxLines: MAX_LINES }], ...LOG_RANGE },
      showErrorAlert: false,
    }),
  );
  return linesFromQueryResponse(response.data);
}

export function MessageTrace({ id }: { id: string }) {
  const s = useStyles2(getStyles);
  const lokiUid = usePluginContext<AppJsonData>()?.meta.jsonData?.lokiDatasourceUid?.trim();
  const expr = messageLogQL(id);
  const timeline = useApi(() => traceApi.timeline(id), [id]);
  const logs = useApi(() => (lokiUid ? loadLines(lokiUid, expr) : Promise.resolve([])), [lokiUid, expr]);

  return (
    <div>
      {timeline.error && <ErrorState error={timeline.error} onRetry={() => void timeline.reload()} />}
      {!timeline.data && timeline.loading && <LoadingPlaceholder text="Loading the timeline…" />}
      {timeline.data && <TraceTimeline timeline={timeline.data} />}
      <h4 className={s.heading}>Log lines</h4>
      {!lokiUid ? (
        <p data-testid={messageTraceTestIds.noLoki}>Pick a Loki data source on the app&apos;s configuration page to see this message&apos;s log lines here.</p>
      ) : (
        <>
          <LinkButton variant="secondary" size="sm" icon="compass" href={exploreUrl({ expr, datasourceUid: lokiUid, appSubUrl: config.appSubUrl, from: LOG_RANGE.from, to: LOG_RANGE.to })}>
            Open in Explore
          </LinkButton>
          {logs.error && <ErrorState error={logs.error} onRetry={() => void logs.reload()} />}
          {!logs.data && logs.loading && <LoadingPlaceholder text="Loading log lines…" />}
          {logs.data && (
            <ol className={s.lines} data-testid={messageTraceTestIds.logs}>
              {logs.data.length === 0 && <li>No log lines for this message in the last 7 days.</li>}
              {logs.data.map((l, i) => (
                <li key={i}>
                  <span className={s.time}>{formatLogTime(l.time)}</span> <code>{l.line}</code>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  heading: css({ marginTop: theme.spacing(2) }),
  lines: css({ listStyle: 'none', padding: 0, marginTop: theme.spacing(1), fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize, overflowWrap: 'anywhere' }),
  time: css({ color: theme.colors.text.secondary }),
});
