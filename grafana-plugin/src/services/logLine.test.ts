import { describe, expect, it } from 'vitest';
import { formatFields, levelName, parseLogLine } from './logLine';

describe('parseLogLine', () => {
  it('reads a pino line: numeric level, category, session, queue id, message and the rest as fields', () => {
    const e = parseLogLine(JSON.stringify({ level: 40, time: 1700000000000, service: 'mailroom', category: 'delivery', session: 'S1', queueId: 'Q1', msg: 'deferred', code: 451 }), 7);
    expect(e).toEqual({ seq: 7, time: 1700000000000, level: 'warn', category: 'delivery', session: 'S1', queueId: 'Q1', msg: 'deferred', fields: { code: 451 } });
  });

  it('keeps a line that is not JSON as its message', () => {
    expect(parseLogLine('plain text', 1)).toMatchObject({ msg: 'plain text', level: 'info', category: 'application' });
  });

  it('names levels', () => {
    expect(levelName(10)).toBe('trace');
    expect(levelName(60)).toBe('fatal');
    expect(levelName(35)).toBe('35');
    expect(levelName('WARN')).toBe('warn');
    expect(levelName(undefined)).toBe('info');
  });

  it('formats extra fields', () => {
    expect(formatFields({ remote: '127.0.0.1', err: 'connection refused', n: 3, ok: true })).toBe('remote=127.0.0.1 err="connection refused" n=3 ok=true');
  });
});
