import { describe, expect, it } from 'vitest';
import { EventLoopWatchdog, WARNING_INTERVAL_MS } from './event-loop-watchdog.ts';

function watchdog(warningMs: number) {
  const observed: number[] = [];
  const warnings: Array<Record<string, unknown>> = [];
  let now = 0;
  const dog = new EventLoopWatchdog({
    observe: (s) => observed.push(s),
    warningMs,
    log: { warn: (...args: unknown[]) => void warnings.push(args[0] as Record<string, unknown>) },
    now: () => now,
  });
  return { dog, observed, warnings, advance: (ms: number) => (now += ms) };
}

describe('event loop watchdog', () => {
  it('records every window and warns about slow ones at most once per interval, counting the rest', () => {
    const { dog, observed, warnings, advance } = watchdog(250);
    dog.endWindow(0.01);
    expect(warnings).toEqual([]);
    dog.endWindow(0.3);
    expect(warnings).toEqual([{ delayMs: 300, thresholdMs: 250, slowWindows: 1 }]);
    advance(1000);
    dog.endWindow(2);
    advance(1000);
    dog.endWindow(0.5);
    expect(warnings).toHaveLength(1);
    advance(WARNING_INTERVAL_MS);
    dog.endWindow(0.26);
    expect(warnings[1]).toEqual({ delayMs: 2000, thresholdMs: 250, slowWindows: 3 });
    expect(observed).toEqual([0.01, 0.3, 2, 0.5, 0.26]);
  });

  it('never warns with the threshold at 0', () => {
    const { dog, observed, warnings } = watchdog(0);
    dog.endWindow(10);
    expect(warnings).toEqual([]);
    expect(observed).toEqual([10]);
  });

  it('starts and stops its sampler', () => {
    const { dog } = watchdog(250);
    dog.start();
    dog.start();
    dog.stop();
    dog.stop();
  });
});
