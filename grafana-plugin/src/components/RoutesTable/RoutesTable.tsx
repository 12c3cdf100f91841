// The routes on the Server page (issue 19): where remote mail goes, one row per destination domain with
// the default smarthost `*` first, then the `relay` setting they fall back to, and MX when there is
// neither. Read-only (routes are changed with `mailroom route` or the API, docs/routes.md); the API never
// sends a password, only `********` when one is set, and that is all this shows.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../../api/mailroom';
import { useApi } from '../../hooks/useApi';
import { testIds } from '../../testIds';
import { ErrorState } from '../ErrorState/ErrorState';

const SECURITY = { opportunistic: 'STARTTLS if offered', starttls: 'STARTTLS required', tls: 'Implicit TLS' } as const;

interface Hop {
  host: string;
  port: number;
  security: keyof typeof SECURITY;
  username: string | null;
  password: string | null;
}

const hostPort = (h: Hop) => `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
const auth = (h: Hop) => (h.username === null ? 'none' : `${h.username} (password ${h.password ?? 'not set'})`);

export function RoutesTable() {
  const s = useStyles2(getStyles);
  const routes = useApi(() => mailroomApi.routes(), []);

  return (
    <section className={s.section} aria-label="Routes" data-testid={testIds.server.routes}>
      <h3>Routes</h3>
      {routes.error && !routes.data && <ErrorState error={routes.error} onRetry={() => void routes.reload()} />}
      {!routes.data && routes.loading && <LoadingPlaceholder text="Loading routes…" />}
      {routes.data && (
        <div className={s.scroll}>
          <table className={s.table}>
            <thead>
              <tr>
                <th>Destination</th>
                <th>Next hop</th>
                <th>TLS</th>
                <th>Login</th>
              </tr>
            </thead>
            <tbody>
              {routes.data.items.map((r) => (
                <tr key={r.domain} data-testid={testIds.server.routeRow(r.domain)}>
                  <td className={s.mono}>{r.domain === '*' ? '* (default smarthost)' : r.domain}</td>
                  <td className={s.mono}>{hostPort(r)}</td>
                  <td>{SECURITY[r.security]}</td>
                  <td>{auth(r)}</td>
                </tr>
              ))}
              <tr data-testid={testIds.server.routeRow('fallback')}>
                <td>{routes.data.items.length > 0 ? 'any other domain' : 'every remote domain'}</td>
                {routes.data.relay ? (
                  <>
                    <td className={s.mono}>{hostPort(routes.data.relay)} (relay setting)</td>
                    <td>{SECURITY[routes.data.relay.security]}</td>
                    <td>{auth(routes.data.relay)}</td>
                  </>
                ) : (
                  <td colSpan={3}>the domain&apos;s MX hosts</td>
                )}
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ marginTop: theme.spacing(2) }),
  scroll: css({ overflowX: 'auto' }),
  table: css({
    width: '100%',
    'th, td': { padding: theme.spacing(0.5, 1), textAlign: 'left', borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, whiteSpace: 'nowrap' }),
});
