// Live log: which categories Mailroom logs (PUT /api/v1/logging, Grafana Admins), and the log itself
// streamed as Server-Sent Events through Grafana's plugin proxy, filtered to a session if wanted, kept to a
// bounded buffer in the browser, pausing while the reader scrolls, with a link to the same lines in Loki.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { usePluginContext, type GrafanaTheme2 } from '@grafana/data';
import { config, PluginPage } from '@grafana/runtime';
import { Badge, Button, Checkbox, Input, LinkButton, useStyles2 } from '@grafana/ui';
import { logStreamUrl, mailroomApi, probeLogStream } from '../api/mailroom';
import { LOG_CATEGORIES, type LogCategory, type LoggingSettings } from '../api/types';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { LogView } from '../components/LogView/LogView';
import { useApi } from '../hooks/useApi';
import { useAccess } from '../hooks/useOrgRole';
import { toMailroomError, type MailroomError } from '../api/errors';
import { DEFAULT_LOG_CAPACITY, LogBuffer } from '../services/logBuffer';
import { matchesFilter, type LogEntry } from '../services/logLine';
import { buildLogQL, exploreUrl } from '../services/logql';
import { LogStream, type StreamState } from '../services/logStream';
import type { AppJsonData } from '../services/settings';
import { streamParams } from '../services/streamParams';
import { testIds } from '../testIds';

const RENDER_EVERY_MS = 100;
const SESSION_DEBOUNCE_MS = 400;

const STATE_BADGES: Record<StreamState, { text: string; color: 'green' | 'orange' | 'red' | 'darkgrey' | 'blue' }> = {
  idle: { text: 'Stopped', color: 'darkgrey' },
  connecting: { text: 'Connecting…', color: 'blue' },
  open: { text: 'Streaming', color: 'green' },
  reconnecting: { text: 'Reconnecting…', color: 'orange' },
  failed: { text: 'Failed', color: 'red' },
};

const enabledIn = (settings: LoggingSettings | undefined): Set<LogCategory> => new Set(settings ? LOG_CATEGORIES.filter((c) => settings.categories?.[c]) : LOG_CATEGORIES);

function LiveLog() {
  const s = useStyles2(getStyles);
  const access = useAccess();
  const lokiUid = usePluginContext<AppJsonData>()?.meta.jsonData?.lokiDatasourceUid;
  const logging = useApi(() => mailroomApi.logging(), []);
  const [chosen, setChosen] = useState<ReadonlySet<LogCategory>>(() => new Set(LOG_CATEGORIES));
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<MailroomError | null>(null);
  const [sessionInput, setSessionInput] = useState('');
  const [session, setSession] = useState('');
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [state, setState] = useState<StreamState>('idle');
  const [serverDropped, setServerDropped] = useState(0);
  const [evicted, setEvicted] = useState(0);
  const [diagnosis, setDiagnosis] = useState<MailroomError | null>(null);
  const buffer = useRef(new LogBuffer(DEFAULT_LOG_CAPACITY));
  const renderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stream = useRef<LogStream | null>(null);
  const lastUrl = useRef('');

  // The checkboxes start from what Mailroom logs now.
  useEffect(() => {
    if (logging.data) setChosen(enabledIn(logging.data));
  }, [logging.data]);

  useEffect(() => {
    const t = setTimeout(() => setSession(sessionInput.trim()), SESSION_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [sessionInput]);

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

  const url = logStreamUrl(streamParams(chosen, session));
  const start = () => {
    setDiagnosis(null);
    lastUrl.current = url;
    stream.current!.start(url);
  };
  // A new session filter or category choice while streaming reconnects with the new parameters.
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

  const changed = logging.data ? LOG_CATEGORIES.some((c) => Boolean(logging.data!.categories?.[c]) !== chosen.has(c)) : false;
  const apply = async () => {
    setApplying(true);
    setApplyError(null);
    const settings: LoggingSettings = { categories: Object.fromEntries(LOG_CATEGORIES.map((c) => [c, chosen.has(c)])) as LoggingSettings['categories'] };
    try {
      const saved = await mailroomApi.setLogging(settings);
      logging.setData(saved && typeof saved === 'object' && 'categories' in saved ? saved : settings);
    } catch (err) {
      setApplyError(toMailroomError(err));
    } finally {
      setApplying(false);
    }
  };

  const shown = useMemo(() => lines.filter((l) => matchesFilter(l, chosen, session)), [lines, chosen, session]);
  const logql = buildLogQL(Array.from(chosen), session);
  const explore = exploreUrl({ expr: logql, datasourceUid: lokiUid, appSubUrl: config.appSubUrl, orgId: config.bootData?.user?.orgId });
  const streaming = state !== 'idle' && state !== 'failed';
  const badge = STATE_BADGES[state];

  return (
    <PluginPage>
      <div data-testid={testIds.liveLog.container}>
        <section className={s.categories} aria-label="Categories">
          <span className={s.label}>Categories</span>
          {LOG_CATEGORIES.map((c) => (
            <Checkbox
              key={c}
              label={c}
              value={chosen.has(c)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setChosen((cur) => {
                  const next = new Set(cur);
                  if (on) next.add(c);
                  else next.delete(c);
                  return next;
                });
              }}
              data-testid={testIds.liveLog.category(c)}
            />
          ))}
          {access.administer && (
            <Button
              size="sm"
              variant="secondary"
              onClick={() => void apply()}
              disabled={!changed || applying || !logging.data}
              tooltip="Make Mailroom log exactly these categories"
              data-testid={testIds.liveLog.applyCategories}
            >
              {applying ? 'Applying…' : 'Apply to server'}
            </Button>
          )}
        </section>
        {logging.error && <ErrorState error={logging.error} action="Could not read the logging categories" onRetry={() => void logging.reload()} />}
        {applyError && <ErrorState error={applyError} action="Could not change the logging categories" onDismiss={() => setApplyError(null)} />}

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
          <div className={s.session}>
            <Input
              value={sessionInput}
              onChange={(e) => setSessionInput(e.currentTarget.value)}
              placeholder="Only this session id"
              maxLength={100}
              prefix="Session"
              aria-label="Session"
              data-testid={testIds.liveLog.session}
            />
          </div>
          <span data-testid={testIds.liveLog.status}>
            <Badge color={badge.color} text={badge.text} />
          </span>
          <div className={s.spacer} />
          {access.explore && (
            <LinkButton variant="secondary" icon="compass" href={explore} target="_blank" rel="noopener noreferrer" data-testid={testIds.liveLog.explore}>
              Open in Explore
            </LinkButton>
          )}
        </div>

        {diagnosis && <ErrorState error={diagnosis} action="The live log stream failed" onRetry={start} />}
        {(serverDropped > 0 || evicted > 0) && (
          <p className={s.dropped} data-testid={testIds.liveLog.dropped}>
            {serverDropped > 0 && `Mailroom skipped ${serverDropped} ${serverDropped === 1 ? 'line' : 'lines'} because the stream fell behind. `}
            {evicted > 0 && `${evicted} older ${evicted === 1 ? 'line was' : 'lines were'} dropped here (the view keeps the last ${DEFAULT_LOG_CAPACITY}).`}
          </p>
        )}
        <LogView lines={shown} onSession={(id) => setSessionInput(id)} emptyText={streaming ? 'Waiting for log lines…' : 'Press Start to follow the log.'} />
        <p className={s.query}>
          Loki query: <code>{logql}</code>
        </p>
      </div>
    </PluginPage>
  );
}

export default LiveLog;

const getStyles = (theme: GrafanaTheme2) => ({
  categories: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(2), marginBottom: theme.spacing(2) }),
  label: css({ color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium }),
  toolbar: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1), marginBottom: theme.spacing(1) }),
  session: css({ width: 320 }),
  spacer: css({ flex: 1 }),
  dropped: css({ color: theme.colors.warning.text }),
  query: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(1), code: { overflowWrap: 'anywhere' } }),
});
