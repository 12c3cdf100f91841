// The nodes on the Server page (issue 15): one row per node sharing the database, refreshed every few
// seconds, with Start and Stop per node for roles that may act. Stop asks first, as the page's own Stop
// does. A node that is down (no heartbeat within its lease) cannot be asked anything: its buttons are off.
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, ConfirmModal, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../../api/mailroom';
import { toMailroomError, type MailroomError } from '../../api/errors';
import type { NodeInfo } from '../../api/types';
import { useApi } from '../../hooks/useApi';
import { useInterval } from '../../hooks/useInterval';
import { formatCount, formatDateTime } from '../../services/format';
import { testIds } from '../../testIds';
import { ErrorState } from '../ErrorState/ErrorState';

const REFRESH_MS = 5_000;
const PROTOCOLS = ['smtp', 'submission', 'pop3', 'imap'] as const;

export function NodesTable({ mayAct }: { mayAct: boolean }) {
  const s = useStyles2(getStyles);
  const nodes = useApi(() => mailroomApi.nodes(), []);
  const [confirmStop, setConfirmStop] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ action: string; error: MailroomError } | null>(null);
  useInterval(() => void nodes.reload(), REFRESH_MS);

  const act = async (name: string, action: 'start' | 'stop') => {
    setBusy(name);
    setActionError(null);
    try {
      await mailroomApi.nodeAction(name, action);
    } catch (err) {
      setActionError({ action: `Could not ${action} node ${name}`, error: toMailroomError(err) });
    } finally {
      setBusy(null);
      setConfirmStop(null);
      await nodes.reload();
    }
  };

  return (
    <section className={s.section} aria-label="Nodes" data-testid={testIds.server.nodes}>
      <h3>Nodes</h3>
      {actionError && <ErrorState error={actionError.error} action={actionError.action} onDismiss={() => setActionError(null)} />}
      {nodes.error && !nodes.data && <ErrorState error={nodes.error} onRetry={() => void nodes.reload()} />}
      {!nodes.data && nodes.loading && <LoadingPlaceholder text="Loading nodes…" />}
      {nodes.data && (
        <div className={s.scroll}>
          <table className={s.table}>
            <thead>
              <tr>
                <th>Node</th>
                <th>Version</th>
                <th>Heartbeat</th>
                <th>Server</th>
                <th>Started</th>
                <th>Last seen</th>
                {PROTOCOLS.map((p) => (
                  <th key={p} className={s.number}>
                    {p.toUpperCase()}
                  </th>
                ))}
                {mayAct && <th aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {nodes.data.nodes.map((n) => (
                <NodeRow key={n.name} node={n} mayAct={mayAct} busy={busy === n.name} onStart={() => void act(n.name, 'start')} onStop={() => setConfirmStop(n.name)} styles={s} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmModal
        isOpen={confirmStop !== null}
        title={`Stop the mail server on node ${confirmStop ?? ''}?`}
        body="That node closes its listeners and pauses its deliveries; the other nodes keep serving and delivering."
        description="Its service keeps running, so it can be started again from here."
        confirmText="Stop node"
        onConfirm={() => (confirmStop === null ? undefined : act(confirmStop, 'stop'))}
        onDismiss={() => setConfirmStop(null)}
      />
    </section>
  );
}

interface RowProps {
  node: NodeInfo;
  mayAct: boolean;
  busy: boolean;
  onStart: () => void;
  onStop: () => void;
  styles: ReturnType<typeof getStyles>;
}

function NodeRow({ node: n, mayAct, busy, onStart, onStop, styles: s }: RowProps) {
  const canAsk = mayAct && n.up && !busy;
  return (
    <tr data-testid={testIds.server.nodeRow(n.name)}>
      <td className={s.name}>{n.name}</td>
      <td>{n.version}</td>
      <td>{n.up ? <Badge color="green" icon="heart" text="Up" /> : <Badge color="red" icon="exclamation-triangle" text="Down" />}</td>
      <td>{n.running ? <Badge color="green" icon="check" text="On" /> : <Badge color="orange" icon="square-shape" text="Off" />}</td>
      <td className={s.nowrap}>{formatDateTime(n.startedAt)}</td>
      <td className={s.nowrap}>{formatDateTime(n.lastSeen)}</td>
      {PROTOCOLS.map((p) => (
        <td key={p} className={s.number}>
          {formatCount(n.sessions[p])}
        </td>
      ))}
      {mayAct && (
        <td className={s.actions}>
          <Button size="sm" icon="play" variant="secondary" disabled={!canAsk || n.running} onClick={onStart} aria-label={`Start node ${n.name}`}>
            Start
          </Button>
          <Button size="sm" icon="square-shape" variant="destructive" disabled={!canAsk || !n.running} onClick={onStop} aria-label={`Stop node ${n.name}`}>
            Stop
          </Button>
        </td>
      )}
    </tr>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    gridColumn: '1 / -1',
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  scroll: css({ overflowX: 'auto' }),
  table: css({
    width: '100%',
    'th, td': { padding: theme.spacing(0.5, 1), textAlign: 'left', borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' },
  }),
  name: css({ fontFamily: theme.typography.fontFamilyMonospace, whiteSpace: 'nowrap' }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  number: css({ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }),
  actions: css({ whiteSpace: 'nowrap', display: 'flex', gap: theme.spacing(1), justifyContent: 'flex-end' }),
});
