// Live log: the server's logging switches (which categories Mailroom logs, PUT /api/v1/logging, Grafana
// Admins) and, apart from them, the view filter (what this browser shows: level, text, session); then the
// log itself, streamed as Server-Sent Events through Grafana's plugin proxy, kept to a bounded buffer in the
// browser, pausing while the reader scrolls, with a link to the same lines in Loki. A failure that hits
// several calls at once (Mailroom down) is one error box.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { usePluginContext, type GrafanaTheme2 } from '@grafana/data';
import { config, PluginPage } from '@grafana/runtime';
import { Badge, Button, LinkButton, useStyles2 } from '@grafana/ui';
import { logStreamUrl, mailroomApi, probeLogStream } from '../api/mailroom';
import type { LoggingSettings } from '../api/types';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { LoggingSwitches } from '../components/LoggingSwitches/LoggingSwitches';
import { LogView } from '../components/LogView/LogView';
import { ViewFilterBar, type ViewFilterInput } from '../components/ViewFilterBar/ViewFilterBar';
import { useApi } from '../hooks/useApi';
import { useAccess } from '../hooks/useOrgRole';
import { toMailroomError, type MailroomError } from '../api/errors';
import { groupFailures } from '../services/failureGroups';
import { DEFAULT_LOG_CAPACITY, LogBuffer } from '../services/logBuffer';
import { matchesView, SHOW_ALL } from '../services/logFilter';
import type { LogEntry } from '../services/logLine';
import { buildLogQL, exploreUrl } from '../services/logql';
import { LogStream, type StreamState } from '../services/logStream';
import type { AppJsonData } from '../services/settings';
import { streamParams } from '../services/streamParams';
import { testIds } from '../testIds';

const RENDER_EVERY_MS = 100;
/** Typing in the text or session box filters once the typing pauses, not on every key. */
const TYPING_DEBOUNCE_MS = 400;

const STATE_BADGES: Record<StreamState, { text: string; color: 'green' | 'orange' | 'red' | 'darkgrey' | 'blue' }> = {
  idle: { text: 'Stopped', color: 'darkgrey' },
  connecting: { text: 'Connecting…', color: 'blue' },
  open: { text: 'Streaming', color: 'green' },
  reconnecting: { text: 'Reconnecting…', color: 'orange' },
  failed: { text: 'Failed', color: 'red' },
};

function LiveLog() {
  const s = useStyles2(getStyles);
  const access = useAccess();
  const lokiUid = usePluginContext<AppJsonData>()?.meta.jsonData?.lokiDatasourceUid;
  const logging = useApi(() => mailroomApi.logging(), []);
  const [applyError, setApplyError] = useState<MailroomError | null>(null);
  // What the boxes hold now, and the filter applied once typing pauses.
  const [filterInput, setFilterInput] = useState<ViewFilterInput>(SHOW_ALL);
  const [filter, setFilter] = useState<ViewFilterInput>(SHOW_ALL);
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [state, setState] = useState<StreamState>('idle');
  const [serverDropped, setServerDropped] = useState(0);
  const [evicted, setEvicted] = useState(0);
  const [diagnosis, setDiagnosis] = useState<MailroomError | null>(null);
  const buffer = useRef(new LogBuffer(DEFAULT_LOG_CAPACITY));
  const renderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stream = useRef<LogStream | null>(null);
  const lastUrl = useRef('');

  useEffect(() => {
    // The level applies at once; text and session when typing pauses.
    const typed = filterInput.text !== filter.text || filterInput.session !== filter.session;
    if (!typed) {
      if (filterInput.minLevel !== filter.minLevel) setFilter(filterInput);
      return;
    }
    const t = setTimeout(() => setFilter(filterInput), TYPING_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [filterInput, filter]);

  if (!stream.current) {
    stream.current = new LogStream({
      onLine: (entry) => {
        buffer.current.push(entry);
        renderTimer.current ??= setTimeout(() => {
          renderTimer.current = null;
          setLines(buffer.current.toArray());
          setEvicted(buffer.current.evicted);
        }, RENDER_EVERY_MS);
      },
      onDropped: (count) => setServerDropped((n) => n + count),
      onState: (next) => {
        setState(next);
        if (next === 'failed') void probeLogStream(lastUrl.current).then(setDiagnosis);
        if (next === 'open') setDiagnosis(null);
      },
    });
  }

  useEffect(
    () => () => {
      stream.current?.stop();
      if (renderTimer.current) clearTimeout(renderTimer.current);
    },
    [],
  );

  const url = logStreamUrl(streamParams(filter.session));
  const start = () => {
    setDiagnosis(null);
    lastUrl.current = url;
    stream.current!.start(url);
  };
  // A new session filter while streaming reconnects with the new parameter.
  useEffect(() => {
    if (stream.current?.active && lastUrl.current !== url) {
      lastUrl.current = url;
      stream.current.start(url);
    }
  }, [url]);

  const clear = () => {
    buffer.current.clear();
    setLines([]);
    setServerDropped(0);
    setEvicted(0);
  };

  const applySwitches = async (settings: LoggingSettings) => {
    setApplyError(null);
    try {
      const saved = await mailroomApi.setLogging(settings);
      logging.setData(saved && typeof saved === 'object' && 'categories' in saved ? saved : settings);
    } catch (err) {
      setApplyError(toMailroomError(err));
    }
  };

  const shown = useMemo(() => lines.filter((l) => matchesView(l, filter)), [lines, filter]);
  const logql = buildLogQL(filter);
  const explore = exploreUrl({ expr: logql, datasourceUid: lokiUid, appSubUrl: config.appSubUrl, orgId: config.bootData?.user?.orgId });
  const streaming = state !== 'idle' && state !== 'failed';
  const badge = STATE_BADGES[state];
  const failures = groupFailures([
    logging.error && { action: 'Could not read the logging switches', error: logging.error, retry: () => void logging.reload() },
    applyError && { action: 'Could not change the logging switches', error: applyError, dismiss: () => setApplyError(null) },
    diagnosis && { action: 'The live log stream failed', error: diagnosis, retry: start },
  ]);

  return (
    <PluginPage>
      <div data-testid={testIds.liveLog.container} className={s.page}>
        <div className={s.controls}>
          <LoggingSwitches settings={logging.data} canChange={access.administer} onApply={applySwitches} />
          <ViewFilterBar value={filterInput} onChange={setFilterInput} />
        </div>
        {failures.map((f) => (
          <ErrorState key={f.key} error={f.error} action={f.action} onRetry={f.retry} onDismiss={f.dismiss} />
        ))}

        <div className={s.toolbar}>
          {streaming ? (
            <Button variant="secondary" icon="square-shape" onClick={() => stream.current!.stop()} data-testid={testIds.liveLog.stop}>
              Stop
            </Button>
          ) : (
            <Button icon="play" onClick={start} data-testid={testIds.liveLog.start}>
              Start
            </Button>
          )}
          <Button variant="secondary" icon="trash-alt" onClick={clear} data-testid={testIds.liveLog.clear}>
            Clear
          </Button>
          <span data-testid={testIds.liveLog.status}>
            <Badge color={badge.color} text={badge.text} />
          </span>
          <span className={s.count} data-testid={testIds.liveLog.count}>
            {shown.length === lines.length ? `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}` : `${shown.length} of ${lines.length} lines shown`}
          </span>
          <div className={s.spacer} />
          {access.explore && (
            <LinkButton variant="secondary" icon="compass" href={explore} target="_blank" rel="noopener noreferrer" data-testid={testIds.liveLog.explore}>
              Open in Explore
            </LinkButton>
          )}
        </div>

        {(serverDropped > 0 || evicted > 0) && (
          <p className={s.dropped} data-testid={testIds.liveLog.dropped}>
            {serverDropped > 0 && `Mailroom skipped ${serverDropped} ${serverDropped === 1 ? 'line' : 'lines'} because the stream fell behind. `}
            {evicted > 0 && `${evicted} older ${evicted === 1 ? 'line was' : 'lines were'} dropped here (the view keeps the last ${DEFAULT_LOG_CAPACITY}).`}
          </p>
        )}
        <LogView
          lines={shown}
          onSession={(id) => setFilterInput((cur) => ({ ...cur, session: id }))}
          emptyText={lines.length > 0 ? 'No line matches the view filter.' : streaming ? 'Waiting for log lines…' : 'Press Start to follow the log.'}
        />
        <p className={s.query}>
          Loki query: <code>{logql}</code>
        </p>
      </div>
    </PluginPage>
  );
}

export default LiveLog;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  controls: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 480px), 1fr))', gap: theme.spacing(2), marginBottom: theme.spacing(1) }),
  toolbar: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
  count: css({ color: theme.colors.text.secondary }),
  spacer: css({ flex: 1 }),
  dropped: css({ color: theme.colors.warning.text, margin: 0 }),
  query: css({ color: theme.colors.text.secondary, code: { overflowWrap: 'anywhere' } }),
});
