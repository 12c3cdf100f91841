import React from 'react';
import { screen } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PanelPlugin, PluginContextProvider, type AppPluginMeta } from '@grafana/data';
import { setPluginImportUtils } from '@grafana/runtime';
import { renderWithGrafana } from '../test/render';
import { testIds } from '../testIds';
import { buildServerTrends } from './serverTrends';
import { TrendPanels } from './TrendPanels';

const withJsonData = (jsonData: object) => ({ id: 'mailroom-admin-app', jsonData }) as unknown as AppPluginMeta;

// Grafana provides its panel plugins; here each panel draws nothing (queries do not run in jsdom either:
// a panel out of view, and jsdom's observers never say it is in view, waits).
beforeAll(() => {
  setPluginImportUtils({
    importPanelPlugin: async (id: string) => Object.assign(new PanelPlugin(() => null), { meta: { id, info: { version: '' } } }),
    getPanelPluginFromCache: () => undefined,
  } as unknown as Parameters<typeof setPluginImportUtils>[0]);
});

describe('TrendPanels', () => {
  it('builds the scene on the configured Prometheus data source and shows its time picker', async () => {
    const build = vi.fn(buildServerTrends);
    renderWithGrafana(
      <PluginContextProvider meta={withJsonData({ prometheusDatasourceUid: 'mailroom-prometheus' })}>
        <TrendPanels name="server" build={build} />
      </PluginContextProvider>,
    );
    expect(await screen.findByTestId(testIds.trends.container('server'))).toBeInTheDocument();
    expect(build).toHaveBeenCalledWith('mailroom-prometheus');
    expect(await screen.findByText('Messages processed by source')).toBeInTheDocument();
    expect(screen.getByTestId('data-testid TimePicker Open Button')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.trends.noDatasource)).not.toBeInTheDocument();
  });

  it('says where to pick a Prometheus data source when none is configured, and builds nothing', () => {
    const build = vi.fn(buildServerTrends);
    renderWithGrafana(
      <PluginContextProvider meta={withJsonData({ apiUrl: 'http://127.0.0.1:9425' })}>
        <TrendPanels name="server" build={build} />
      </PluginContextProvider>,
    );
    expect(screen.getByTestId(testIds.trends.noDatasource)).toHaveTextContent('need a Prometheus data source');
    expect(screen.getByRole('link', { name: /configuration page/ })).toHaveAttribute('href', '/plugins/mailroom-admin-app?page=configuration');
    expect(build).not.toHaveBeenCalled();
  });
});
