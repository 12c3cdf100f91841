import { describe, expect, it } from 'vitest';
import { levelRank, matchesView, SHOW_ALL } from './logFilter';
import type { LogEntry } from './logLine';

const entry = (o: Partial<LogEntry> = {}): LogEntry => ({ seq: 1, level: 'info', category: 'smtp', session: 'S1', msg: 'Connection from', fields: { remote: '10.0.0.7' }, ...o });

describe('matchesView', () => {
  it('shows everything with no filter', () => {
    expect(matchesView(entry({ level: 'trace' }), SHOW_ALL)).toBe(true);
  });

  it('hides lines below the minimum level', () => {
    const f = { ...SHOW_ALL, minLevel: 'warn' as const };
    expect(matchesView(entry({ level: 'info' }), f)).toBe(false);
    expect(matchesView(entry({ level: 'warn' }), f)).toBe(true);
    expect(matchesView(entry({ level: 'fatal' }), f)).toBe(true);
  });

  it('keeps one session', () => {
    expect(matchesView(entry(), { ...SHOW_ALL, session: ' S1 ' })).toBe(true);
    expect(matchesView(entry(), { ...SHOW_ALL, session: 'S2' })).toBe(false);
  });

  it('finds the text in the message or the fields, ignoring case', () => {
    expect(matchesView(entry(), { ...SHOW_ALL, text: 'connection FROM' })).toBe(true);
    expect(matchesView(entry(), { ...SHOW_ALL, text: '10.0.0.7' })).toBe(true);
    expect(matchesView(entry(), { ...SHOW_ALL, text: '.*' })).toBe(false);
  });
});

describe('levelRank', () => {
  it("reads names and a custom level's number", () => {
    expect(levelRank('error')).toBe(50);
    expect(levelRank('35')).toBe(35);
    expect(levelRank('odd')).toBe(30);
  });
});
