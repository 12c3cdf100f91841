// The breaker's states and probe schedule on fake timers: no wall clock, no sockets.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, FIRST_PROBE_DELAY_MS, MAX_PROBE_DELAY_MS } from './breaker.ts';

/** A probe whose answer the test sets, counting its calls. */
function fakeProbe() {
  const state = { up: false, calls: 0 };
  const probe = async (): Promise<void> => {
    state.calls++;
    if (!state.up) throw new Error('ECONNREFUSED');
  };
  return { state, probe };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CircuitBreaker', () => {
  it('starts closed and does not probe until a check trips it', async () => {
    const { state, probe } = fakeProbe();
    const breaker = new CircuitBreaker({ probe });
    expect(breaker.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * MAX_PROBE_DELAY_MS);
    expect(state.calls).toBe(0);
  });

  it('opens on a trip, remembers when, and reports each change once', () => {
    const changes: boolean[] = [];
    const breaker = new CircuitBreaker({ probe: fakeProbe().probe, onChange: (open) => changes.push(open), now: () => 1_000 });
    breaker.trip();
    breaker.trip();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.openSince).toBe(1_000);
    breaker.succeeded();
    breaker.succeeded();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.openSince).toBeNull();
    expect(changes).toEqual([true, false]);
  });

  it('probes with a doubling delay capped at the maximum while the daemon stays down', async () => {
    const { state, probe } = fakeProbe();
    const breaker = new CircuitBreaker({ probe });
    breaker.trip();
    const expected = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
    expect(expected[0]).toBe(FIRST_PROBE_DELAY_MS);
    for (const [i, delay] of expected.entries()) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(state.calls).toBe(i);
      await vi.advanceTimersByTimeAsync(1);
      expect(state.calls).toBe(i + 1);
    }
    expect(breaker.isOpen).toBe(true);
  });

  it('closes on the first probe that gets an answer, and stops probing', async () => {
    const { state, probe } = fakeProbe();
    const changes: boolean[] = [];
    const breaker = new CircuitBreaker({ probe, onChange: (open) => changes.push(open) });
    breaker.trip();
    await vi.advanceTimersByTimeAsync(2_000 + 4_000);
    expect(state.calls).toBe(2);
    state.up = true;
    await vi.advanceTimersByTimeAsync(8_000);
    expect(breaker.isOpen).toBe(false);
    expect(changes).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(10 * MAX_PROBE_DELAY_MS);
    expect(state.calls).toBe(3);
  });

  it('starts the schedule over when it opens again', async () => {
    const { state, probe } = fakeProbe();
    const breaker = new CircuitBreaker({ probe });
    breaker.trip();
    await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000);
    breaker.succeeded();
    breaker.trip();
    const before = state.calls;
    await vi.advanceTimersByTimeAsync(FIRST_PROBE_DELAY_MS);
    expect(state.calls).toBe(before + 1);
  });

  it('closes when something else saw the daemon answer (an admin or self-test health check)', async () => {
    const { state, probe } = fakeProbe();
    const breaker = new CircuitBreaker({ probe });
    breaker.trip();
    breaker.succeeded();
    await vi.advanceTimersByTimeAsync(10 * MAX_PROBE_DELAY_MS);
    expect(state.calls).toBe(0);
  });

  it('keeps one probe schedule when it closes and opens again while a probe is out', async () => {
    let release!: () => void;
    let calls = 0;
    const probe = () => {
      calls++;
      return new Promise<void>((_, reject) => (release = () => reject(new Error('timeout'))));
    };
    const breaker = new CircuitBreaker({ probe });
    breaker.trip();
    await vi.advanceTimersByTimeAsync(FIRST_PROBE_DELAY_MS);
    expect(calls).toBe(1);
    breaker.succeeded();
    breaker.trip();
    release();
    await vi.advanceTimersByTimeAsync(FIRST_PROBE_DELAY_MS);
    // Only the new opening's probe ran, not a second one rescheduled by the stale failure.
    expect(calls).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(2 * FIRST_PROBE_DELAY_MS);
    expect(calls).toBe(3);
  });

  it('stops probing when stopped', async () => {
    const { state, probe } = fakeProbe();
    const breaker = new CircuitBreaker({ probe });
    breaker.trip();
    breaker.stop();
    await vi.advanceTimersByTimeAsync(10 * MAX_PROBE_DELAY_MS);
    expect(state.calls).toBe(0);
    breaker.trip();
    expect(breaker.isOpen).toBe(true);
  });
});
