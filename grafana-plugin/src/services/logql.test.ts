import { describe, expect, it } from 'vitest';
import { SHOW_ALL } from './logFilter';
import { buildLogQL, exploreUrl } from './logql';

describe('buildLogQL', () => {
  it("selects Mailroom's stream and nothing else with no filter", () => {
    expect(buildLogQL(SHOW_ALL)).toBe('{service_name="mailroom"}');
  });

  it("narrows to a session by the line's own `session` field, which exists without structured metadata", () => {
    expect(buildLogQL({ ...SHOW_ALL, session: ' 3kq9 ' })).toBe('{service_name="mailroom"} |= "3kq9" | json | session="3kq9"');
  });

  it("keeps the level by pino's number in the JSON line", () => {
    expect(buildLogQL({ ...SHOW_ALL, minLevel: 'warn' })).toBe('{service_name="mailroom"} | json | level >= 40');
  });

  it('matches the text literally and without regard to case', () => {
    expect(buildLogQL({ ...SHOW_ALL, text: 'a.*b' })).toBe('{service_name="mailroom"} |~ "(?i)a\\\\.\\\\*b"');
  });

  it('escapes quotes and backslashes in the session and the text', () => {
    expect(buildLogQL({ minLevel: 'error', session: 'a"b\\c', text: 'say "x" \\ .*' })).toBe(
      '{service_name="mailroom"} |= "a\\"b\\\\c" |~ "(?i)say \\"x\\" \\\\\\\\ \\\\.\\\\*" | json | session="a\\"b\\\\c" | level >= 50',
    );
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
