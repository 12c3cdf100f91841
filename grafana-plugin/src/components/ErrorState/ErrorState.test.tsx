import React from 'react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ErrorState } from './ErrorState';
import { classifyError, MailroomError } from '../../api/errors';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';

describe('ErrorState', () => {
  it.each([
    [502, undefined, 'Mailroom is unreachable'],
    [401, { error: { code: 'unauthorized', message: 'invalid token' } }, 'Not authorised (401)'],
    [403, { message: 'plugin proxy route access denied' }, 'Forbidden (403)'],
  ])('titles a %s plainly', (status, data, title) => {
    renderWithGrafana(<ErrorState error={new MailroomError(classifyError(status, data))} />);
    expect(screen.getByText(title)).toBeInTheDocument();
  });

  it('names the action and offers a retry', async () => {
    const onRetry = vi.fn();
    renderWithGrafana(<ErrorState error={new MailroomError(classifyError(502, undefined))} action="Could not stop the server" onRetry={onRetry} />);
    expect(screen.getByText('Could not stop the server: mailroom is unreachable')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.error.retry));
    expect(onRetry).toHaveBeenCalled();
  });

  it("turns Grafana's 500 for an app without settings into one sentence with a link to the configuration page", () => {
    renderWithGrafana(<ErrorState error={new MailroomError(classifyError(500, { message: 'Failed to fetch plugin settings' }))} onRetry={() => {}} />);
    const sentence = screen.getByTestId(testIds.unconfigured);
    expect(sentence).toHaveTextContent(/^The Mailroom app is not configured yet: .*configuration page\.$/);
    expect(screen.getByRole('link', { name: /configuration page/ })).toHaveAttribute('href', '/plugins/mailroom-admin-app?page=configuration');
    expect(screen.queryByText(/500/)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.error.retry)).not.toBeInTheDocument();
  });
});
