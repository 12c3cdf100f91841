// Status > Server: running or stopped, version, database, start time and uptime, listeners, message
// counters, open sessions per protocol, the queue by state with its oldest message, scanners; trends of
// messages, viruses, spam and sessions over a picked time range (Prometheus, scenes/); Start and Stop
// (the service and its API keep running).
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Badge, Button, ConfirmModal, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../api/mailroom';
import type { QueueState, ServerInfo, StatusInfo } from '../api/types';
import { buildServerTrends } from '../scenes/serverTrends';
import { TrendPanels } from '../scenes/TrendPanels';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { NodesTable } from '../components/NodesTable/NodesTable';
import { RoutesTable } from '../components/RoutesTable/RoutesTable';
import { useApi, type ApiState } from '../hooks/useApi';
import { useInterval, useNow } from '../hooks/useInterval';
import { useAccess } from '../hooks/useOrgRole';
import { toMailroomError, type MailroomError } from '../api/errors';
import { formatCount, formatDateTime, formatDuration, secondsSince } from '../services/format';
import { QUEUE_STATE_LABELS, QUEUE_STATES, summariseQueue, type QueueSummary } from '../services/queueSummary';
import { readScanners } from '../services/scanners';
import { testIds } from '../testIds';

const REFRESH_MS = 10_000;
const PROTOCOL_ORDER = ['smtp', 'submission', 'pop3', 'imap'] as const;
/** How each listener's TLS reads: plaintext with STARTTLS offered, or implicit TLS from the first byte (RFC 8314: submissions, imaps, pop3s). */
const TLS_MODES = { starttls: 'STARTTLS', implicit: 'Implicit TLS', none: 'none' } as const;

interface Overview {
  server: ServerInfo;
  status: StatusInfo;
}

async function loadOverview(): Promise<Overview> {
  const [server, status] = await Promise.all([mailroomApi.server(), mailroomApi.status()]);
  return { server, status };
}

/** Five one-message pages of the queue list: the oldest message, then one per state for the counts. */
async function loadQueueSummary(): Promise<QueueSummary> {
  const page = (state?: QueueState) => mailroomApi.listQueue({ offset: 0, limit: 1, sort: 'created', state });
  const [oldestFirst, queued, deferred, held, in_flight] = await Promise.all([page(), page('queued'), page('deferred'), page('held'), page('in_flight')]);
  return summariseQueue({ queued, deferred, held, in_flight }, oldestFirst);
}

function Server() {
  const s = useStyles2(getStyles);
  const mayAct = useAccess().operate;
  const now = useNow(1000);
  const overview = useApi(loadOverview, []);
  const queue = useApi(loadQueueSummary, []);
  const [confirmStop, setConfirmStop] = useState(false);
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [actionError, setActionError] = useState<{ action: string; error: MailroomError } | null>(null);
  useInterval(() => {
    void overview.reload();
    void queue.reload();
  }, REFRESH_MS);

  const act = async (which: 'start' | 'stop') => {
    setBusy(which);
    setActionError(null);
    try {
      await (which === 'start' ? mailroomApi.startServer() : mailroomApi.stopServer());
    } catch (err) {
      setActionError({ action: which === 'start' ? 'Could not start the server' : 'Could not stop the server', error: toMailroomError(err) });
    } finally {
      setBusy(null);
      setConfirmStop(false);
      await overview.reload();
    }
  };

  const running = overview.data?.server.running;
  const actions = (
    <>
      <Button
        variant="secondary"
        icon="sync"
        onClick={() => {
          void overview.reload();
          void queue.reload();
        }}
        data-testid={testIds.server.refresh}
      >
        Refresh
      </Button>
      {mayAct && (
        <>
          <Button icon="play" disabled={running !== false || busy !== null} onClick={() => void act('start')} data-testid={testIds.server.start}>
            {busy === 'start' ? 'Starting…' : 'Start'}
          </Button>
          <Button variant="destructive" icon="square-shape" disabled={running !== true || busy !== null} onClick={() => setConfirmStop(true)} data-testid={testIds.server.stop}>
            {busy === 'stop' ? 'Stopping…' : 'Stop'}
          </Button>
        </>
      )}
    </>
  );

  return (
    <PluginPage actions={actions}>
      <div data-testid={testIds.server.container}>
        {actionError && <ErrorState error={actionError.error} action={actionError.action} onDismiss={() => setActionError(null)} />}
        {overview.error && <ErrorState error={overview.error} onRetry={() => void overview.reload()} />}
        {!overview.data && overview.loading && <LoadingPlaceholder text="Loading server state…" />}
        {overview.data && <OverviewView overview={overview.data} queue={queue} now={now} styles={s} />}
        {overview.data && (
          <div className={s.stack}>
            <NodesTable mayAct={mayAct} />
            <RoutesTable />
          </div>
        )}
      </div>
      <ConfirmModal
        isOpen={confirmStop}
        title="Stop the mail server?"
        body="The listeners close and delivery pauses; sessions in progress get a short grace period to finish."
        description="The Mailroom service keeps running: this admin API, metrics and this app stay available, and you can start the server again from here."
        confirmText="Stop server"
        onConfirm={() => act('stop')}
        onDismiss={() => setConfirmStop(false)}
      />
    </PluginPage>
  );
}

interface OverviewProps {
  overview: Overview;
  queue: Pick<ApiState<QueueSummary>, 'data' | 'error'>;
  now: number;
  styles: ReturnType<typeof getStyles>;
}

function OverviewView({ overview, queue, now, styles: s }: OverviewProps) {
  const { server, status } = overview;
  const uptime = server.running ? secondsSince(server.startedAt, now) : null;
  const scanners = readScanners(server.scanners);
  return (
    <>
      <div className={s.grid}>
        <section className={s.card} aria-label="Server">
          <h3>Server</h3>
          <dl className={s.list}>
            <dt>State</dt>
            <dd data-testid={testIds.server.state}>{server.running ? <Badge color="green" icon="check" text="Running" /> : <Badge color="red" icon="square-shape" text="Stopped" />}</dd>
            <dt>Version</dt>
            <dd data-testid={testIds.server.version}>{server.version}</dd>
            <dt>Host name</dt>
            <dd data-testid={testIds.server.hostname} className={s.unbroken} title={server.hostname}>
              <BreakAfter text={server.hostname} separators="." />
            </dd>
            <dt>Started</dt>
            <dd data-testid={testIds.server.startedAt}>{server.running ? formatDateTime(server.startedAt) : 'not running'}</dd>
            <dt>Uptime</dt>
            <dd data-testid={testIds.server.uptime}>{uptime === null ? '-' : formatDuration(uptime)}</dd>
            <dt>Service up since</dt>
            <dd>{formatDateTime(server.serviceStartedAt)}</dd>
          </dl>
        </section>

        <section className={s.card} aria-label="Database">
          <h3>Database</h3>
          <dl className={s.list} data-testid={testIds.server.database}>
            <dt>Driver</dt>
            <dd>{server.database.driver}</dd>
            <dt>Version</dt>
            <dd>{server.database.version}</dd>
            <dt>Location</dt>
            <dd className={`${s.unbroken} ${s.mono}`} title={server.database.location}>
              <BreakAfter text={server.database.location} separators={'/\\:'} />
            </dd>
          </dl>
        </section>

        <section className={s.card} aria-label="Messages">
          <h3>Messages</h3>
          <dl className={s.list} data-testid={testIds.server.counters}>
            <dt>Processed</dt>
            <dd>{formatCount(status.processedMessages)}</dd>
            <dt>Viruses detected</dt>
            <dd>{formatCount(status.virusesDetected)}</dd>
            <dt>Spam detected</dt>
            <dd>{formatCount(status.spamDetected)}</dd>
          </dl>
        </section>

        <section className={s.card} aria-label="Sessions">
          <h3>Open sessions</h3>
          <dl className={s.list} data-testid={testIds.server.sessions}>
            {PROTOCOL_ORDER.map((p) => (
              <React.Fragment key={p}>
                <dt>{p.toUpperCase()}</dt>
                <dd>{formatCount(status.sessions[p])}</dd>
              </React.Fragment>
            ))}
          </dl>
        </section>

        <section className={s.card} aria-label="Queue">
          <h3>Queue</h3>
          {queue.data ? (
            <dl className={s.list} data-testid={testIds.server.queueSummary}>
              {QUEUE_STATES.map((state) => (
                <React.Fragment key={state}>
                  <dt>{QUEUE_STATE_LABELS[state]}</dt>
                  <dd>{formatCount(queue.data!.counts[state])}</dd>
                </React.Fragment>
              ))}
              <dt>Oldest message</dt>
              <dd>{queue.data.oldestCreatedAt === null ? 'none: the queue is empty' : formatDuration(secondsSince(queue.data.oldestCreatedAt, now) ?? 0)}</dd>
            </dl>
          ) : (
            <p className={s.muted} data-testid={testIds.server.queueSummary}>
              {queue.error ? `Could not read the queue: ${queue.error.message}` : 'Loading…'}
            </p>
          )}
        </section>
      </div>

      <TrendPanels name="server" build={buildServerTrends} />

      <div className={s.grid}>
        <section className={s.wide} aria-label="Listeners">
          <h3>Listeners</h3>
          {server.listeners.length === 0 ? (
            <p data-testid={testIds.server.listeners}>{server.running ? 'No listeners are configured.' : 'No listeners: the server is stopped.'}</p>
          ) : (
            <table className={s.table} data-testid={testIds.server.listeners}>
              <thead>
                <tr>
                  <th>Listener</th>
                  <th>Address</th>
                  <th>Port</th>
                  <th>TLS</th>
                </tr>
              </thead>
              <tbody>
                {server.listeners.map((l) => (
                  <tr key={`${l.name}-${l.address}-${l.port}`}>
                    <td>{l.name === l.protocol ? l.name : `${l.name} (${l.protocol})`}</td>
                    <td className={s.mono}>{l.address}</td>
                    <td>{l.port}</td>
                    <td>{TLS_MODES[l.tls]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        {scanners.length > 0 && (
          <section className={s.wide} aria-label="Scanners">
            <h3>Scanners</h3>
            <table className={s.table} data-testid={testIds.server.scanners}>
              <tbody>
                {scanners.map((sc) => (
                  <tr key={sc.name}>
                    <td>{sc.name}</td>
                    <td>
                      <Badge color={sc.state === 'ok' ? 'green' : sc.state === 'down' ? 'red' : 'orange'} text={{ ok: 'OK', down: 'Down', unknown: 'Not checked yet' }[sc.state]} />
                    </td>
                    <td>{sc.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
    </>
  );
}

/**
 * Text that may wrap only after one of `separators` (a path after / or \\, a host name after its dots),
 * never inside a name.
 */
function BreakAfter({ text, separators }: { text: string; separators: string }) {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (separators.includes(text[i]!)) {
      parts.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) parts.push(text.slice(start));
  return (
    <>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </React.Fragment>
      ))}
    </>
  );
}

export default Server;

const getStyles = (theme: GrafanaTheme2) => ({
  // Cards as wide as the page allows, at least 260 px: four across at 1280 px, five at 1920 px.
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  card: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  wide: css({
    gridColumn: '1 / -1',
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  list: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  }),
  table: css({
    width: '100%',
    'th, td': { padding: theme.spacing(0.5, 1), textAlign: 'left', borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  // Breaks only where BreakAfter allows (after a separator); a single name longer than the card ends in an
  // ellipsis, and the title shows the whole text.
  unbroken: css({
    '&&': { overflowWrap: 'normal', wordBreak: 'normal' },
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  // The nodes and routes tables, one under the other, each as wide as the page.
  stack: css({ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary, margin: 0 }),
});
