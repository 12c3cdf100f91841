import { describe, expect, it, vi } from 'vitest';
import { LogStream, type StreamState } from './logStream';
import { FakeEventSource } from '../test/fakeEventSource';

function setup() {
  const lines: string[] = [];
  const dropped: number[] = [];
  const states: StreamState[] = [];
  const factory = vi.fn((url: string) => new FakeEventSource(url));
  const stream = new LogStream({ onLine: (e) => lines.push(`${e.seq}:${e.msg}`), onDropped: (n) => dropped.push(n), onState: (s) => states.push(s) }, factory);
  return { stream, lines, dropped, states, factory };
}

describe('LogStream', () => {
  it('parses log events in order and reports state', () => {
    const { stream, lines, states } = setup();
    stream.start('/stream');
    const es = FakeEventSource.last;
    es.open();
    es.emit('log', { msg: 'a', category: 'smtp' });
    es.emit('log', { msg: 'b', category: 'smtp' });
    expect(lines).toEqual(['1:a', '2:b']);
    expect(states).toEqual(['connecting', 'open']);
    expect(stream.active).toBe(true);
  });

  it('adds up dropped events and ignores bad ones', () => {
    const { stream, dropped } = setup();
    stream.start('/stream');
    FakeEventSource.last.emit('dropped', { count: 5 });
    FakeEventSource.last.emit('dropped', 'garbage');
    FakeEventSource.last.emit('dropped', { count: 0 });
    expect(dropped).toEqual([5]);
  });

  it('reconnecting while EventSource retries; failed when it gives up', () => {
    const { stream, states } = setup();
    stream.start('/stream');
    const es = FakeEventSource.last;
    es.fail(false);
    expect(states.at(-1)).toBe('reconnecting');
    es.fail(true);
    expect(states.at(-1)).toBe('failed');
    expect(stream.active).toBe(false);
  });

  it('stop closes the source and ignores anything it still delivers; start again replaces it', () => {
    const { stream, lines, states, factory } = setup();
    stream.start('/a');
    const first = FakeEventSource.last;
    stream.start('/b');
    expect(first.closed).toBe(true);
    first.emit('log', { msg: 'late' });
    expect(lines).toEqual([]);
    stream.stop();
    expect(FakeEventSource.last.closed).toBe(true);
    expect(states.at(-1)).toBe('idle');
    expect(factory.mock.calls.map((c) => c[0])).toEqual(['/a', '/b']);
  });
});
