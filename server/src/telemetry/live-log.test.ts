import { describe, expect, it } from 'vitest';
import { LiveLogHub, type Subscriber } from './live-log.ts';

const sub = (over: Partial<Subscriber> = {}): Subscriber & { wakes: number } => {
  const s = { wakes: 0, categories: null, session: null, wake: () => void s.wakes++, ...over };
  return s;
};

describe('LiveLogHub', () => {
  it('keeps a bounded queue for a reader that never reads, dropping the oldest and counting them', () => {
    const hub = new LiveLogHub();
    const stuck = sub();
    hub.subscribe(stuck);
    for (let i = 0; i < 10_000; i++) hub.publish({ category: 'smtp', session: 's', json: `{"n":${i}}` });
    const { lines, dropped } = hub.take(stuck);
    expect(lines.length).toBe(2000);
    expect(dropped).toBe(8000);
    expect(hub.dropped).toBe(8000);
    expect(lines[0]!.json).toBe('{"n":8000}');
    expect(lines.at(-1)!.json).toBe('{"n":9999}');
  });

  it('wakes a reader once per batch and filters by category and session', () => {
    const hub = new LiveLogHub();
    const all = sub();
    const smtpOnly = sub({ categories: new Set(['smtp']) });
    const oneSession = sub({ session: 'abc' });
    for (const s of [all, smtpOnly, oneSession]) hub.subscribe(s);
    hub.publish({ category: 'smtp', session: 'abc', json: '1' });
    hub.publish({ category: 'imap', session: 'xyz', json: '2' });
    expect(all.wakes).toBe(1);
    expect(hub.take(all).lines.map((l) => l.json)).toEqual(['1', '2']);
    expect(hub.take(smtpOnly).lines.map((l) => l.json)).toEqual(['1']);
    expect(hub.take(oneSession).lines.map((l) => l.json)).toEqual(['1']);
  });

  it('forgets a reader when it unsubscribes', () => {
    const hub = new LiveLogHub();
    const unsubscribe = hub.subscribe(sub());
    expect(hub.subscriberCount).toBe(1);
    unsubscribe();
    expect(hub.subscriberCount).toBe(0);
  });
});
