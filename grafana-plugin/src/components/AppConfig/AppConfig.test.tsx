import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppPlugin, PluginType, type AppPluginMeta } from '@grafana/data';
import AppConfig from './AppConfig';
import { SETTINGS_URL } from '../../constants';
import { FakeBackend } from '../../test/fakeBackend';
import { installDataSources } from '../../test/fakeDataSources';
import { runningServer, warnings } from '../../test/fixtures';
import { renderWithGrafana, setOrgRole } from '../../test/render';
import { testIds } from '../../testIds';
import type { AppJsonData } from '../../services/settings';

let backend: FakeBackend;

function pluginWith(jsonData: AppJsonData, secureJsonFields: Record<string, boolean>) {
  const plugin = new AppPlugin<AppJsonData>();
  plugin.meta = { id: 'mailroom-admin-app', name: 'Mailroom', type: PluginType.app, enabled: false, pinned: false, jsonData, secureJsonFields } as unknown as AppPluginMeta<AppJsonData>;
  return plugin;
}

/** Opens Grafana's data source picker inside `testId` and picks the data source called `name`. */
async function pickDataSource(testId: string, name: string) {
  await userEvent.click(within(screen.getByTestId(testId)).getByRole('combobox'));
  await userEvent.click(await screen.findByText(name));
}

const saves = () => backend.calls.filter((c) => c.method === 'POST' && c.url === SETTINGS_URL);

beforeEach(() => {
  setOrgRole('Admin');
  installDataSources();
  backend = new FakeBackend().on('POST', SETTINGS_URL, { status: 200, data: { message: 'Plugin settings updated' } }).install();
});

describe('AppConfig', () => {
  it('shows the API URL and whether each token is configured, never a token value', () => {
    const plugin = pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, { viewerToken: true, operatorToken: false });
    renderWithGrafana(<AppConfig plugin={plugin} query={{}} />);
    expect(screen.getByTestId(testIds.appConfig.apiUrl)).toHaveValue('http://127.0.0.1:9425');
    expect(screen.getByTestId(testIds.appConfig.secretState('viewerToken'))).toHaveTextContent('configured');
    expect(screen.getByTestId(testIds.appConfig.secretState('viewerToken'))).not.toHaveTextContent('not configured');
    expect(screen.getByTestId(testIds.appConfig.secretState('operatorToken'))).toHaveTextContent('not configured');
    expect(screen.getByTestId(testIds.appConfig.secretState('adminToken'))).toHaveTextContent('not configured');
    expect(screen.getByTestId(testIds.appConfig.secretInput('viewerToken'))).toHaveValue('configured');
    expect(screen.getByTestId(testIds.appConfig.secretInput('viewerToken'))).toBeDisabled();
    expect(backend.calls).toHaveLength(0);
  });

  it('saves jsonData and only the tokens that were typed or reset', async () => {
    const plugin = pluginWith({ apiUrl: 'http://old:9425' }, { viewerToken: true, operatorToken: true });
    renderWithGrafana(<AppConfig plugin={plugin} query={{}} />);
    const url = screen.getByTestId(testIds.appConfig.apiUrl);
    await userEvent.clear(url);
    await userEvent.type(url, ' http://mail.internal:9425/ ');
    await userEvent.type(screen.getByTestId(testIds.appConfig.secretInput('adminToken')), 'admin-secret');
    const operatorField = screen.getByTestId(testIds.appConfig.secretInput('operatorToken')).parentElement!.parentElement!.parentElement!;
    await userEvent.click(within(operatorField).getByRole('button', { name: 'Reset' }));
    await pickDataSource(testIds.appConfig.lokiUid, 'Mailroom Loki');
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0]!.data).toEqual({
      enabled: true,
      pinned: false,
      jsonData: { apiUrl: 'http://mail.internal:9425', lokiDatasourceUid: 'mailroom-loki' },
      secureJsonData: { operatorToken: '', adminToken: 'admin-secret' },
    });
    expect(await screen.findByTestId(testIds.appConfig.saved)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.secretState('adminToken'))).not.toHaveTextContent('not configured');
    expect(screen.getByTestId(testIds.appConfig.secretState('operatorToken'))).toHaveTextContent('not configured');
    expect(screen.getByTestId(testIds.appConfig.secretInput('adminToken'))).toHaveValue('configured');
    expect(plugin.meta.jsonData?.apiUrl).toBe('http://mail.internal:9425');
  });

  it('sends no secureJsonData when no token changed', async () => {
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, { viewerToken: true })} query={{}} />);
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0]!.data).not.toHaveProperty('secureJsonData');
  });

  it('refuses an API URL that is not http(s)', async () => {
    renderWithGrafana(<AppConfig plugin={pluginWith({}, {})} query={{}} />);
    await userEvent.type(screen.getByTestId(testIds.appConfig.apiUrl), 'mail.internal:9425');
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    expect(await screen.findByText(/must start with http/)).toBeInTheDocument();
    expect(saves()).toHaveLength(0);
  });

  it('shows why saving failed', async () => {
    backend.fail('POST', SETTINGS_URL, 403, { message: 'Permission denied' });
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, {})} query={{}} />);
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    expect(await screen.findByTestId(testIds.error.kind('forbidden'))).toHaveTextContent('Permission denied');
  });

  it('Test connection checks each configured token through the proxy', async () => {
    backend
      .ok('GET', '/api/v1/server', runningServer())
      .ok('POST', '/api/v1/warnings/recheck', warnings())
      .ok('GET', '/api/v1/logging', { categories: { smtp: true } })
      .fail('PUT', '/api/v1/logging', 401, { error: { code: 'unauthorized', message: 'invalid token' } });
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, { viewerToken: true, operatorToken: true, adminToken: true })} query={{}} />);
    await userEvent.click(screen.getByTestId(testIds.appConfig.test));
    const result = await screen.findByTestId(testIds.appConfig.testResult);
    await waitFor(() => expect(result.querySelectorAll('li')).toHaveLength(3));
    const [viewer, operator, admin] = Array.from(result.querySelectorAll('li')).map((li) => li.textContent);
    expect(viewer).toContain('Mailroom 0.1.0 on mx.example.test answers; the server is running.');
    expect(operator).toContain('Accepted (the self-test ran: 3 warnings)');
    expect(admin).toContain('did not accept the token (invalid token)');
    expect(backend.callsTo('PUT', '/api/v1/logging')[0]!.data).toEqual({ categories: { smtp: true } });
  });

  it('Test connection skips tokens that are not configured and reports an unreachable server', async () => {
    backend.fail('GET', '/api/v1/server', 502);
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, { viewerToken: true })} query={{}} />);
    await userEvent.click(screen.getByTestId(testIds.appConfig.test));
    const result = await screen.findByTestId(testIds.appConfig.testResult);
    await waitFor(() => expect(result).toHaveTextContent('cannot be reached'));
    expect(result.querySelectorAll('li')).toHaveLength(1);
    expect(backend.callsTo('POST', '/api/v1/warnings/recheck')).toHaveLength(0);
  });

  it("picks the Prometheus and Loki data sources with Grafana's picker, each offering only its kind, and saves their uids", async () => {
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425', lokiDatasourceUid: 'mailroom-loki' }, { viewerToken: true })} query={{}} />);
    expect(screen.getByTestId(testIds.appConfig.lokiUid)).toHaveTextContent('Mailroom Loki');
    await userEvent.click(within(screen.getByTestId(testIds.appConfig.prometheusUid)).getByRole('combobox'));
    expect(await screen.findByText('Ops Prometheus')).toBeInTheDocument();
    expect(screen.queryAllByText('Mailroom Loki')).toHaveLength(1); // the Loki picker's value, not an option here
    await userEvent.click(screen.getByText('Mailroom Prometheus'));
    expect(screen.getByTestId(testIds.appConfig.prometheusUid)).toHaveTextContent('Mailroom Prometheus');
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect((saves()[0]!.data as { jsonData: AppJsonData }).jsonData).toEqual({ apiUrl: 'http://127.0.0.1:9425', prometheusDatasourceUid: 'mailroom-prometheus', lokiDatasourceUid: 'mailroom-loki' });
  });

  it('says when the settings come from provisioning, and keeps that flag on save', async () => {
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425', provisioned: true }, { viewerToken: true })} query={{}} />);
    expect(screen.getByTestId(testIds.appConfig.provisioned)).toHaveTextContent('provisioning file');
    await userEvent.click(screen.getByTestId(testIds.appConfig.save));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect((saves()[0]!.data as { jsonData: AppJsonData }).jsonData).toEqual({ apiUrl: 'http://127.0.0.1:9425', provisioned: true });
  });

  it('says nothing about provisioning for settings made here', () => {
    renderWithGrafana(<AppConfig plugin={pluginWith({ apiUrl: 'http://127.0.0.1:9425' }, {})} query={{}} />);
    expect(screen.queryByTestId(testIds.appConfig.provisioned)).not.toBeInTheDocument();
  });
});
