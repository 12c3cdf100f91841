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
});
