// The budget's guarantees, driven by promises the test releases by hand (no clocks): the concurrency cap,
// FIFO hand-over, the bounded queue, and that an aborted waiter leaves the queue.
import { describe, expect, it } from 'vitest';
import { Budget, BudgetFullError } from './budget.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('Budget', () => {
  it('runs at most maxConcurrent at once and hands slots over in arrival order', async () => {
    const budget = new Budget('clamd', 2, 5);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      budget.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([budget.active, budget.queued]).toEqual([2, 2]);
    gates[1]!.open();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect([budget.active, budget.queued]).toEqual([0, 0]);
  });

  it('refuses at once when the queue is full, and frees the slot when a task throws', async () => {
    const budget = new Budget('spamd', 1, 1);
    const g = gate();
    const first = budget.run(() =>
      g.promise.then(() => {
        throw new Error('daemon said no');
      }),
    );
    const second = budget.run(async () => 'second');
    await expect(budget.run(async () => 'third')).rejects.toBeInstanceOf(BudgetFullError);
    await expect(budget.run(async () => 'third')).rejects.toThrow('spamd: too many scans waiting (1 queued)');
    g.open();
    await expect(first).rejects.toThrow('daemon said no');
    expect(await second).toBe('second');
    expect(budget.active).toBe(0);
  });

  it('drops a waiter whose signal aborts and rejects it with the reason', async () => {
    const budget = new Budget('clamd', 1, 2);
    const g = gate();
    const holder = budget.run(() => g.promise);
    const ac = new AbortController();
    let ran = false;
    const waiter = budget.run(async () => {
      ran = true;
    }, ac.signal);
    expect(budget.queued).toBe(1);
    ac.abort(new Error('deadline passed'));
    await expect(waiter).rejects.toThrow('deadline passed');
    expect(budget.queued).toBe(0);
    g.open();
    await holder;
    expect(ran).toBe(false);
  });

  it('rejects a signal that is already aborted without running', async () => {
    const budget = new Budget('clamd', 1, 1);
    await expect(budget.run(async () => 1, AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
  });
});
