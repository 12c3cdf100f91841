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

const props = { meta: { jsonData: {} }, basename: PLUGIN_BASE_URL, query: {}, path: '', onNavChanged: () => {} } as unknown as AppRootProps;

// Grafana mounts the app under /a/<plugin id>/*; its routes are relative to that.
const renderAt = (path: string) =>
  renderWithGrafana(
    <Routes>
      <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...props} />} />
    </Routes>,
    { route: path },
  );

beforeEach(() => {
  setOrgRole('Viewer');
  new FakeBackend()
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
