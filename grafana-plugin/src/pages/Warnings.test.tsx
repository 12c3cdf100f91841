import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Warnings from './Warnings';
import { FakeBackend } from '../test/fakeBackend';
import { noWarnings, warnings } from '../test/fixtures';
import { renderWithGrafana, setOrgRole } from '../test/render';
import { testIds } from '../testIds';

let backend: FakeBackend;

beforeEach(() => {
  setOrgRole('Editor');
  backend = new FakeBackend().ok('GET', '/api/v1/warnings', warnings()).install();
});

describe('Warnings page', () => {
  it('lists warnings by severity, most severe first, with message and remedy, and the count in the title', async () => {
    renderWithGrafana(<Warnings />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Warnings (3)' })).toBeInTheDocument();
    const groups = screen.getAllByRole('region').map((r) => r.getAttribute('aria-label'));
    expect(groups).toEqual(['Critical warnings', 'High warnings', 'Low warnings']);
    const critical = screen.getByTestId(testIds.warnings.item('network.open_relay_risk'));
    expect(critical).toHaveTextContent('Trusted networks include 0.0.0.0/0.');
    expect(critical).toHaveTextContent('Remedy: Limit smtp.trusted_networks.');
    expect(within(screen.getByTestId(testIds.warnings.group('high'))).getByText('The TLS certificate is self-signed.')).toBeInTheDocument();
  });

  it('Recheck POSTs /warnings/recheck and shows the new list', async () => {
    backend.ok('POST', '/api/v1/warnings/recheck', noWarnings());
    renderWithGrafana(<Warnings />);
    await screen.findByRole('heading', { name: 'Warnings (3)' });
    await userEvent.click(screen.getByTestId(testIds.warnings.recheck));
    await waitFor(() => expect(backend.callsTo('POST', '/api/v1/warnings/recheck')).toHaveLength(1));
    expect(await screen.findByTestId(testIds.warnings.allWell)).toHaveTextContent('All is well');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Warnings (0)');
  });

  it('shows "All is well" when there are no warnings', async () => {
    backend.ok('GET', '/api/v1/warnings', noWarnings());
    renderWithGrafana(<Warnings />);
    expect(await screen.findByText('All is well')).toBeInTheDocument();
    expect(screen.queryAllByRole('region')).toHaveLength(0);
  });

  it('Recheck is hidden from a Grafana Viewer, who can still read', async () => {
    setOrgRole('Viewer');
    renderWithGrafana(<Warnings />);
    await screen.findByRole('heading', { name: 'Warnings (3)' });
    expect(screen.queryByTestId(testIds.warnings.recheck)).not.toBeInTheDocument();
  });

  it('shows why a recheck failed and keeps the list', async () => {
    backend.fail('POST', '/api/v1/warnings/recheck', 403, { error: { code: 'forbidden', message: 'this action needs the operator role; the token has viewer' } });
    renderWithGrafana(<Warnings />);
    await screen.findByRole('heading', { name: 'Warnings (3)' });
    await userEvent.click(screen.getByTestId(testIds.warnings.recheck));
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('needs the operator role');
    expect(screen.getByTestId(testIds.warnings.item('logging.debug_on'))).toBeInTheDocument();
  });

  it('shows an unreachable server as such', async () => {
    backend.fail('GET', '/api/v1/warnings', 504);
    renderWithGrafana(<Warnings />);
    expect(await screen.findByTestId(testIds.error.kind('unreachable'))).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Warnings');
  });
});
