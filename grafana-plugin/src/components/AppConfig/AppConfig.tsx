// The app's configuration page (Grafana Admins): where Mailroom's admin API listens, its three tokens, and
// the Prometheus and Loki data sources (Grafana's own data source picker; their uids go into jsonData).
// Tokens go into secureJsonData, which Grafana encrypts and never sends back: this page only learns
// whether each is set (secureJsonFields). "Test connection" calls Mailroom through the plugin proxy with
// the saved settings, one check per configured token. A provisioned app (jsonData.provisioned, set by the
// provisioning file) gets a note that Grafana puts the file's settings back at its next start.
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Alert, Badge, Button, Field, FieldSet, Input, SecretInput, useStyles2 } from '@grafana/ui';
import { callGrafana } from '../../api/client';
import { mailroomApi } from '../../api/mailroom';
import { SETTINGS_URL } from '../../constants';
import { toMailroomError, type MailroomError } from '../../api/errors';
import {
  buildSettingsUpdate,
  DATASOURCE_KEYS,
  DATASOURCE_LABELS,
  fieldsAfterSave,
  normaliseApiUrl,
  SECRET_KEYS,
  SECRET_LABELS,
  type AppJsonData,
  type DatasourceKey,
  type SecretKey,
} from '../../services/settings';
import { testIds } from '../../testIds';
import { ErrorState } from '../ErrorState/ErrorState';

const DATASOURCE_TEST_IDS: Record<DatasourceKey, string> = { prometheusDatasourceUid: testIds.appConfig.prometheusUid, lokiDatasourceUid: testIds.appConfig.lokiUid };

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

interface Check {
  name: string;
  ok: boolean;
  text: string;
}

function AppConfig({ plugin }: AppConfigProps) {
  const s = useStyles2(getStyles);
  const meta = plugin.meta;
  const [apiUrl, setApiUrl] = useState(meta.jsonData?.apiUrl ?? '');
  const [datasources, setDatasources] = useState<Record<DatasourceKey, string>>({
    prometheusDatasourceUid: meta.jsonData?.prometheusDatasourceUid ?? '',
    lokiDatasourceUid: meta.jsonData?.lokiDatasourceUid ?? '',
  });
  const pick = (key: DatasourceKey, uid: string) => setDatasources((cur) => ({ ...cur, [key]: uid }));
  const [secrets, setSecrets] = useState<Partial<Record<SecretKey, string>>>({});
  const [reset, setReset] = useState<ReadonlySet<SecretKey>>(new Set());
  const [fields, setFields] = useState<Record<string, boolean>>(meta.secureJsonFields ?? {});
  const [urlError, setUrlError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<MailroomError | null>(null);
  const [testing, setTesting] = useState(false);
  const [checks, setChecks] = useState<Check[] | null>(null);

  const configured = (key: SecretKey) => Boolean(fields[key]) && !reset.has(key);

  const save = async () => {
    const url = normaliseApiUrl(apiUrl);
    setUrlError(url.error);
    if (url.error) return;
    setSaving(true);
    setSaved(false);
    setSaveError(null);
    const update = buildSettingsUpdate({ apiUrl, ...datasources, secrets, reset }, meta.pinned ?? true, meta.jsonData);
    try {
      await callGrafana('POST', SETTINGS_URL, update);
      const after = fieldsAfterSave(fields, update);
      Object.assign(meta, { enabled: true, jsonData: update.jsonData, secureJsonFields: after });
      setFields(after);
      setApiUrl(url.value);
      setSecrets({});
      setReset(new Set());
      setSaved(true);
    } catch (err) {
      setSaveError(toMailroomError(err));
    } finally {
      setSaving(false);
    }
  };

  const testConnection = async () => {
    setTesting(true);
    const results: Check[] = [];
    const run = async (name: string, check: () => Promise<string>) => {
      try {
        results.push({ name, ok: true, text: await check() });
      } catch (err) {
        results.push({ name, ok: false, text: toMailroomError(err).message });
      }
      setChecks([...results]);
    };
    setChecks([]);
    await run('Viewer token', async () => {
      const server = await mailroomApi.server();
      return `Mailroom ${server.version} on ${server.hostname} answers; the server is ${server.running ? 'running' : 'stopped'}.`;
    });
    if (fields.operatorToken) {
      await run('Operator token', async () => {
        const w = await mailroomApi.recheckWarnings();
        return `Accepted (the self-test ran: ${w.count} ${w.count === 1 ? 'warning' : 'warnings'}).`;
      });
    }
    if (fields.adminToken) {
      await run('Admin token', async () => {
        const current = await mailroomApi.logging();
        await mailroomApi.setLogging(current);
        return 'Accepted (logging categories written back unchanged).';
      });
    }
    setTesting(false);
  };

  return (
    <div className={s.page} data-testid={testIds.appConfig.container}>
      {meta.jsonData?.provisioned && (
        <div data-testid={testIds.appConfig.provisioned}>
          <Alert severity="info" title="Provisioned from a file">
            These settings come from Grafana&apos;s provisioning file for this app, which Grafana applies again at every start: the API URL and the data sources go back to the file&apos;s values and
            the tokens it sets are written again. Change them in the file to keep them.
          </Alert>
        </div>
      )}
      <FieldSet label="Mailroom admin API">
        <Field
          label="API URL"
          description="Where Grafana's server reaches Mailroom's admin port, e.g. http://127.0.0.1:9425. The browser never calls it directly."
          invalid={Boolean(urlError)}
          error={urlError}
          required
        >
          <Input width={60} value={apiUrl} placeholder="http://127.0.0.1:9425" onChange={(e) => setApiUrl(e.currentTarget.value)} data-testid={testIds.appConfig.apiUrl} />
        </Field>
        {SECRET_KEYS.map((key) => (
          <Field
            key={key}
            label={
              <span className={s.secretLabel}>
                {SECRET_LABELS[key].label}
                <span data-testid={testIds.appConfig.secretState(key)}>{configured(key) ? <Badge color="green" text="configured" /> : <Badge color="orange" text="not configured" />}</span>
              </span>
            }
            description={SECRET_LABELS[key].description}
          >
            <SecretInput
              width={60}
              isConfigured={configured(key)}
              value={secrets[key] ?? ''}
              placeholder="Paste the token"
              onChange={(e) => {
                const value = e.currentTarget.value;
                setSecrets((cur) => ({ ...cur, [key]: value }));
              }}
              onReset={() => {
                setReset((cur) => new Set(cur).add(key));
                setSecrets((cur) => ({ ...cur, [key]: '' }));
              }}
              data-testid={testIds.appConfig.secretInput(key)}
            />
          </Field>
        ))}
      </FieldSet>
      <FieldSet label="Data sources">
        {DATASOURCE_KEYS.map((key) => (
          <Field key={key} label={DATASOURCE_LABELS[key].label} description={DATASOURCE_LABELS[key].description}>
            <div data-testid={DATASOURCE_TEST_IDS[key]}>
              <DataSourcePicker
                pluginId={DATASOURCE_LABELS[key].pluginId}
                current={datasources[key] || null}
                noDefault
                width={60}
                inputId={`mailroom-config-${DATASOURCE_LABELS[key].pluginId}`}
                placeholder={DATASOURCE_LABELS[key].placeholder}
                onChange={(ds) => pick(key, ds.uid)}
                onClear={() => pick(key, '')}
              />
            </div>
          </Field>
        ))}
      </FieldSet>

      <div className={s.buttons}>
        <Button onClick={() => void save()} disabled={saving} data-testid={testIds.appConfig.save}>
          {saving ? 'Saving…' : 'Save settings'}
        </Button>
        <Button variant="secondary" onClick={() => void testConnection()} disabled={testing} data-testid={testIds.appConfig.test}>
          {testing ? 'Testing…' : 'Test connection'}
        </Button>
      </div>
      {saved && (
        <div data-testid={testIds.appConfig.saved}>
          <Alert severity="success" title="Settings saved" onRemove={() => setSaved(false)} />
        </div>
      )}
      {saveError && <ErrorState error={saveError} action="Could not save the settings" onDismiss={() => setSaveError(null)} />}
      {checks && (
        <ul className={s.checks} data-testid={testIds.appConfig.testResult}>
          {checks.map((c) => (
            <li key={c.name}>
              <Badge color={c.ok ? 'green' : 'red'} icon={c.ok ? 'check' : 'exclamation-triangle'} text={c.name} /> {c.text}
            </li>
          ))}
        </ul>
      )}
      <p className={s.note}>Test connection uses the saved settings: save first.</p>
    </div>
  );
}

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 900 }),
  secretLabel: css({ display: 'inline-flex', gap: theme.spacing(1), alignItems: 'center' }),
  buttons: css({ display: 'flex', gap: theme.spacing(1), marginBottom: theme.spacing(2) }),
  checks: css({ listStyle: 'none', padding: 0, li: { marginBottom: theme.spacing(1) } }),
  note: css({ color: theme.colors.text.secondary }),
});
