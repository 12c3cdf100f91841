import { describe, expect, it } from 'vitest';
import { buildSettingsUpdate, fieldsAfterSave, normaliseApiUrl } from './settings';

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
    expect(buildSettingsUpdate({ apiUrl: 'http://h:1/', lokiDatasourceUid: ' ', secrets: { viewerToken: '  ' }, reset: new Set() })).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { apiUrl: 'http://h:1' },
    });
    expect(
      buildSettingsUpdate({ apiUrl: 'http://h:1', lokiDatasourceUid: 'loki', secrets: { viewerToken: ' v ', adminToken: 'a' }, reset: new Set(['operatorToken', 'adminToken'] as const) }, false),
    ).toEqual({
      enabled: true,
      pinned: false,
      jsonData: { apiUrl: 'http://h:1', lokiDatasourceUid: 'loki' },
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
