import React from 'react';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RoutesTable } from './RoutesTable';
import { FakeBackend } from '../../test/fakeBackend';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';

const route = (domain: string, extra: Record<string, unknown> = {}) => ({
  domain,
  host: 'smtp.provider.test',
  port: 587,
  security: 'starttls',
  username: 'relay-user',
  password: '********',
  createdAt: '2026-12-04T16:00:00.000Z',
  ...extra,
});

describe('RoutesTable', () => {
  it('lists each route, the default first, with the password masked, then the relay fallback', async () => {
    new FakeBackend()
      .ok('GET', '/api/v1/routes', {
        items: [route('*'), route('partner.test', { host: 'mx.partner.test', port: 465, security: 'tls', username: null, password: null })],
        relay: { host: 'relay.test', port: 25, security: 'opportunistic', username: null, password: null },
      })
      .install();
    renderWithGrafana(<RoutesTable />);
    expect(await screen.findByTestId(testIds.server.routeRow('*'))).toHaveTextContent('* (default smarthost)smtp.provider.test:587STARTTLS requiredrelay-user (password ********)');
    expect(screen.getByTestId(testIds.server.routeRow('partner.test'))).toHaveTextContent('partner.testmx.partner.test:465Implicit TLSnone');
    expect(screen.getByTestId(testIds.server.routeRow('fallback'))).toHaveTextContent('any other domainrelay.test:25 (relay setting)STARTTLS if offerednone');
  });

  it('says MX when there is neither a route nor a relay', async () => {
    new FakeBackend().ok('GET', '/api/v1/routes', { items: [], relay: null }).install();
    renderWithGrafana(<RoutesTable />);
    expect(await screen.findByTestId(testIds.server.routeRow('fallback'))).toHaveTextContent("every remote domainthe domain's MX hosts");
  });
});
