// A failed call, said the way an operator can act on it: the app not configured yet (a link to its
// configuration page), unreachable, 401 (token), 403 (Grafana role or Mailroom token role), not found,
// rejected.
import React from 'react';
import { Alert, Button } from '@grafana/ui';
import type { ErrorKind, MailroomError } from '../../api/errors';
import { testIds } from '../../testIds';
import { Unconfigured } from '../Unconfigured/Unconfigured';

const TITLES: Record<ErrorKind, string> = {
  unconfigured: 'Not configured',
  unreachable: 'Mailroom is unreachable',
  unauthorized: 'Not authorised (401)',
  forbidden: 'Forbidden (403)',
  not_found: 'Not found (404)',
  invalid: 'Request rejected',
  failed: 'Request failed',
};

interface Props {
  error: MailroomError;
  /** Says what was being done, e.g. "Could not stop the server". */
  action?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
}

export function ErrorState({ error, action, onRetry, onDismiss }: Props) {
  // Nothing to retry or dismiss: the app needs its settings first.
  if (error.kind === 'unconfigured') {
    return (
      <div data-testid={testIds.error.container}>
        <div data-testid={testIds.error.kind(error.kind)}>
          <Unconfigured />
        </div>
      </div>
    );
  }
  const title = action ? `${action}: ${TITLES[error.kind].toLowerCase()}` : TITLES[error.kind];
  return (
    <div data-testid={testIds.error.container}>
      <Alert severity="error" title={title} onRemove={onDismiss}>
        <div data-testid={testIds.error.kind(error.kind)}>{error.message}</div>
        {onRetry && (
          <Button size="sm" variant="secondary" icon="sync" onClick={onRetry} data-testid={testIds.error.retry} style={{ marginTop: 8 }}>
            Try again
          </Button>
        )}
      </Alert>
    </div>
  );
}
