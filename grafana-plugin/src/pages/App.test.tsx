import React from 'react';
import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import App from './App';
import { PLUGIN_BASE_URL, ROUTES } from '../constants';
import { FakeBackend } from '../test/fakeBackend';
import { noWarnings, queuePage, runningServer, status } from '../test/fixtures';
import { renderWithGrafana, setOrgRole } from '../test/render';
import { testIds } from '../testIds';
import { tracePageTestIds } from './Trace';

const configured = { jsonData: { apiUrl: 'http://127.0.0.1:9425' }, secureJsonFields: { viewerToken: true } };
const propsWith = (meta: object) => ({ meta, basename: PLUGIN_BASE_URL, query: {}, path: '', onNavChanged: () => {} }) as unknown as AppRootProps;

// Grafana mounts the app under /a/<plugin id>/*; its routes are relative to that.
const renderAt = (path: string, meta: object = configured) =>
  renderWithGrafana(
    <Routes>
      <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...propsWith(meta)} />} />
    </Routes>,
    { route: path },
  );

let backend: FakeBackend;

beforeEach(() => {
  setOrgRole('Viewer');
  backend = new FakeBackend()
    .ok('GET', '/api/v1/server', runningServer())
    .ok('GET', '/api/v1/status', status())
    .ok('GET', '/api/v1/warnings', noWarnings())
    .ok('GET', '/api/v1/queue', queuePage([], 0))
    .ok('GET', '/api/v1/logging', { categories: {} })
    .ok('GET', '/api/v1/trace', { total: 0, offset: 0, limit: 50, items: [] })
    .install();
});

describe('App routes', () => {
  it.each([
    [ROUTES.Server, testIds.server.container],
    [ROUTES.Warnings, testIds.warnings.container],
    [ROUTES.Queue, testIds.queue.container],
    [ROUTES.LiveLog, testIds.liveLog.container],
    [ROUTES.Trace, tracePageTestIds.results],
  ])('/%s shows its page', async (route, id) => {
    renderAt(`${PLUGIN_BASE_URL}/${route}`);
    expect(await screen.findByTestId(id)).toBeInTheDocument();
  });

  it('shows the Server page by default', async () => {
    renderAt(PLUGIN_BASE_URL);
    expect(await screen.findByTestId(testIds.server.container)).toBeInTheDocument();
  });
});

describe('the app before it is configured', () => {
  it.each([
    ['no settings at all', { jsonData: {} }, '(it has no API URL and no viewer token)'],
    ['an API URL but no viewer token', { jsonData: { apiUrl: 'http://127.0.0.1:9425' }, secureJsonFields: { operatorToken: true } }, '(it has no viewer token)'],
    ['a viewer token but no API URL', { jsonData: {}, secureJsonFields: { viewerToken: true } }, '(it has no API URL)'],
  ])('with %s, every page shows one sentence with a link to the configuration page and calls nothing', async (_what, meta, lacking) => {
    for (const route of Object.values(ROUTES)) {
      const { unmount } = renderAt(`${PLUGIN_BASE_URL}/${route}`, meta);
      const sentence = await screen.findByTestId(testIds.unconfigured);
      expect(sentence).toHaveTextContent(`The Mailroom app is not configured yet ${lacking}: a Grafana Admin sets`);
      expect(screen.getByRole('link', { name: /configuration page/ })).toHaveAttribute('href', '/plugins/mailroom-admin-app?page=configuration');
      expect(screen.queryByTestId(testIds.server.container)).not.toBeInTheDocument();
      unmount();
    }
    expect(backend.calls).toEqual([]);
  });

  it("shows the same sentence, not a raw 500, when Grafana's proxy has no settings for the app", async () => {
    backend.fail('GET', '/api/v1/server', 500, { message: 'Failed to fetch plugin settings' }).fail('GET', '/api/v1/status', 500, { message: 'Failed to fetch plugin settings' });
    renderAt(`${PLUGIN_BASE_URL}/${ROUTES.Server}`);
    expect(await screen.findByTestId(testIds.unconfigured)).toBeInTheDocument();
    expect(screen.queryByText(/500/)).not.toBeInTheDocument();
  });
});
