import { describe, expect, it } from 'vitest';
import { buildSettingsUpdate, fieldsAfterSave, missingSettings, normaliseApiUrl } from './settings';

describe('normaliseApiUrl', () => {
  it('trims spaces and trailing slashes', () => {
    expect(normaliseApiUrl('  http://127.0.0.1:9425//  ')).toEqual({ value: 'http://127.0.0.1:9425' });
    expect(normaliseApiUrl('https://mail.example/admin/')).toEqual({ value: 'https://mail.example/admin' });
  });

  it('names what is wrong', () => {
    expect(normaliseApiUrl('').error).toContain('required');
    expect(normaliseApiUrl('mail:9425').error).toContain('http');
    expect(normaliseApiUrl('not a url').error).toContain('Not a URL');
    expect(normaliseApiUrl('http://h:1/?x=1').error).toContain('no query');
  });
});

describe('buildSettingsUpdate', () => {
  it('always sends jsonData; secureJsonData only for typed or reset tokens', () => {
    expect(buildSettingsUpdate({ apiUrl: 'http://h:1/', prometheusDatasourceUid: '', lokiDatasourceUid: ' ', secrets: { viewerToken: '  ' }, reset: new Set() })).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { apiUrl: 'http://h:1' },
    });
    expect(
      buildSettingsUpdate(
        {
          apiUrl: 'http://h:1',
          prometheusDatasourceUid: ' prom ',
          lokiDatasourceUid: 'loki',
          secrets: { viewerToken: ' v ', adminToken: 'a' },
          reset: new Set(['operatorToken', 'adminToken'] as const),
        },
        false,
      ),
    ).toEqual({
      enabled: true,
      pinned: false,
      jsonData: { apiUrl: 'http://h:1', prometheusDatasourceUid: 'prom', lokiDatasourceUid: 'loki' },
      secureJsonData: { viewerToken: 'v', operatorToken: '', adminToken: 'a' },
    });
  });

  it('knows which secrets are set after a save', () => {
    expect(fieldsAfterSave({ viewerToken: true, operatorToken: true }, { enabled: true, pinned: true, jsonData: {}, secureJsonData: { operatorToken: '', adminToken: 'x' } })).toEqual({
      viewerToken: true,
      operatorToken: false,
      adminToken: true,
    });
  });
});

describe('buildSettingsUpdate and jsonData it does not edit', () => {
  it('keeps keys the form does not edit (Grafana replaces jsonData whole) and drops cleared data sources', () => {
    const previous = { apiUrl: 'http://old:1', provisioned: true, lokiDatasourceUid: 'old-loki', prometheusDatasourceUid: 'old-prom' };
    expect(buildSettingsUpdate({ apiUrl: 'http://h:1', prometheusDatasourceUid: 'prom', lokiDatasourceUid: '', secrets: {}, reset: new Set() }, true, previous).jsonData).toEqual({
      apiUrl: 'http://h:1',
      provisioned: true,
      prometheusDatasourceUid: 'prom',
    });
  });
});

describe('missingSettings', () => {
  it('names what the pages need before they can call Mailroom: the API URL and the viewer token', () => {
    expect(missingSettings(undefined, undefined)).toEqual(['API URL', 'viewer token']);
    expect(missingSettings({ apiUrl: '  ' }, { viewerToken: true })).toEqual(['API URL']);
    expect(missingSettings({ apiUrl: 'http://h:1' }, { viewerToken: false, operatorToken: true })).toEqual(['viewer token']);
    expect(missingSettings({ apiUrl: 'http://h:1' }, { viewerToken: true })).toEqual([]);
  });
});
