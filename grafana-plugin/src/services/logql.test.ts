import { describe, expect, it } from 'vitest';
import { buildLogQL, exploreUrl } from './logql';

describe('buildLogQL', () => {
  it('selects the service and the categories, sorted', () => {
    expect(buildLogQL(['smtp', 'delivery'], '')).toBe('{service_name="mailroom", category=~"delivery|smtp"}');
    expect(buildLogQL([], '')).toBe('{service_name="mailroom"}');
  });

  it("narrows to a session by the line's own `session` field, which exists without structured metadata", () => {
    expect(buildLogQL(['smtp'], ' 3kq9 ')).toBe('{service_name="mailroom", category=~"smtp"} |= "3kq9" | json | session="3kq9"');
  });

  it('escapes quotes and backslashes', () => {
    expect(buildLogQL(['smtp'], 'a"b\\c')).toBe('{service_name="mailroom", category=~"smtp"} |= "a\\"b\\\\c" | json | session="a\\"b\\\\c"');
  });
});

describe('exploreUrl', () => {
  it('builds a one-pane Explore link for a Loki data source', () => {
    const url = new URL(exploreUrl({ expr: '{service_name="mailroom"}', datasourceUid: 'loki', appSubUrl: '/grafana', orgId: 2 }), 'http://h');
    expect(url.pathname).toBe('/grafana/explore');
    expect(url.searchParams.get('schemaVersion')).toBe('1');
    expect(url.searchParams.get('orgId')).toBe('2');
    expect(JSON.parse(url.searchParams.get('panes')!)).toEqual({
      mailroom: {
        datasource: 'loki',
        queries: [{ refId: 'A', expr: '{service_name="mailroom"}', queryType: 'range', datasource: { type: 'loki', uid: 'loki' } }],
        range: { from: 'now-1h', to: 'now' },
      },
    });
  });

  it('leaves the data source to Explore when none is configured', () => {
    const url = new URL(exploreUrl({ expr: 'x' }), 'http://h');
    const pane = JSON.parse(url.searchParams.get('panes')!).mailroom;
    expect(pane.datasource).toBeUndefined();
    expect(pane.queries[0].datasource).toBeUndefined();
    expect(url.searchParams.has('orgId')).toBe(false);
  });
});
