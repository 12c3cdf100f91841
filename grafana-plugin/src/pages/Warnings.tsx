// Configuration warnings from Mailroom's self-test, most severe first, each with its remedy; Recheck runs
// the self-test now. The page title carries the count.
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, EmptyState, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { mailroomApi } from '../api/mailroom';
import type { Severity, Warning } from '../api/types';
import { ErrorState } from '../components/ErrorState/ErrorState';
import { useApi } from '../hooks/useApi';
import { useAccess } from '../hooks/useOrgRole';
import { toMailroomError, type MailroomError } from '../api/errors';
import { formatDateTime } from '../services/format';
import { groupBySeverity, warningsTitle } from '../services/warnings';
import { testIds } from '../testIds';

const ALERT_SEVERITY: Record<Severity, 'error' | 'warning' | 'info'> = { critical: 'error', high: 'error', medium: 'warning', low: 'info' };
const HEADINGS: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

function Warnings() {
  const s = useStyles2(getStyles);
  const mayAct = useAccess().operate;
  const list = useApi(() => mailroomApi.warnings(), []);
  const [rechecking, setRechecking] = useState(false);
  const [recheckError, setRecheckError] = useState<MailroomError | null>(null);

  const recheck = async () => {
    setRechecking(true);
    setRecheckError(null);
    try {
      list.setData(await mailroomApi.recheckWarnings());
    } catch (err) {
      setRecheckError(toMailroomError(err));
    } finally {
      setRechecking(false);
    }
  };

  const data = list.data;
  const actions = mayAct ? (
    <Button icon="sync" onClick={() => void recheck()} disabled={rechecking} data-testid={testIds.warnings.recheck}>
      {rechecking ? 'Checking…' : 'Recheck'}
    </Button>
  ) : undefined;

  return (
    <PluginPage pageNav={{ text: warningsTitle(data?.items.length) }} actions={actions}>
      <div data-testid={testIds.warnings.container}>
        {recheckError && <ErrorState error={recheckError} action="Could not recheck" onDismiss={() => setRecheckError(null)} />}
        {list.error && <ErrorState error={list.error} onRetry={() => void list.reload()} />}
        {!data && list.loading && <LoadingPlaceholder text="Loading warnings…" />}
        {data && (
          <>
            <p className={s.checked} data-testid={testIds.warnings.checkedAt}>
              {data.checkedAt ? `Last checked ${formatDateTime(data.checkedAt)}` : 'The self-test has not run yet.'}
            </p>
            {data.items.length === 0 ? (
              <div data-testid={testIds.warnings.allWell}>
                <EmptyState variant="completed" message="All is well">
                  The self-test found nothing to fix in Mailroom&apos;s configuration.
                </EmptyState>
              </div>
            ) : (
              groupBySeverity(data.items).map(([severity, items]) => (
                <section key={severity} className={s.group} data-testid={testIds.warnings.group(severity)} aria-label={`${HEADINGS[severity]} warnings`}>
                  <h3>
                    {HEADINGS[severity]} ({items.length})
                  </h3>
                  {items.map((w) => (
                    <WarningItem key={w.id} warning={w} />
                  ))}
                </section>
              ))
            )}
          </>
        )}
      </div>
    </PluginPage>
  );
}

function WarningItem({ warning }: { warning: Warning }) {
  const s = useStyles2(getStyles);
  return (
    <div data-testid={testIds.warnings.item(warning.id)}>
      <Alert severity={ALERT_SEVERITY[warning.severity]} title={warning.message}>
        <div className={s.remedy}>
          <strong>Remedy: </strong>
          {warning.remedy}
        </div>
        <div className={s.id}>{warning.id}</div>
      </Alert>
    </div>
  );
}

export default Warnings;

const getStyles = (theme: GrafanaTheme2) => ({
  checked: css({ color: theme.colors.text.secondary }),
  group: css({ marginBottom: theme.spacing(3) }),
  // The DNS check's remedies are records to publish, one per line: keep the lines, and let them wrap.
  remedy: css({ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }),
  id: css({ color: theme.colors.text.secondary, fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize, marginTop: theme.spacing(0.5) }),
});
