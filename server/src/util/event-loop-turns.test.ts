import { describe, expect, it } from 'vitest';
import { EventLoopTurns } from './event-loop-turns.ts';

/** Runs `steps` steps, each after a turn, recording its name. */
async function worker(turns: EventLoopTurns, name: string, steps: number, log: string[]): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await turns.take();
    log.push(name);
  }
}

describe('EventLoopTurns', () => {
  it('lets a lone caller run step after step while the budget lasts, without waiting for the loop', async () => {
    const clock = 0; // time stands still: the budget never runs out
    const turns = new EventLoopTurns(5, () => clock);
    let loopTurned = false;
    setImmediate(() => (loopTurned = true));
    const log: string[] = [];
    await worker(turns, 'a', 50, log);
    expect(log).toHaveLength(50);
    expect(loopTurned).toBe(false);
  });

  it('once the loop has been busy past the budget, waits for the loop to turn', async () => {
    let clock = 0;
    const turns = new EventLoopTurns(5, () => clock);
    // Stands for I/O that arrived meanwhile: its callback is queued before the second step asks.
    let loopTurned = false;
    setImmediate(() => (loopTurned = true));
    await turns.take();
    clock = 6;
    await turns.take();
    expect(loopTurned).toBe(true);
  });

  it('under contention starts one step per turn of the loop, in arrival order, and I/O runs between any two steps', async () => {
    const turns = new EventLoopTurns(0);
    const log: string[] = [];
    // Another client's work: something that runs once every turn of the loop for as long as the workers run.
    let running = true;
    const other = (async () => {
      while (running) {
        log.push('io');
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await Promise.all([worker(turns, 'a', 4, log), worker(turns, 'b', 4, log), worker(turns, 'c', 4, log)]);
    running = false;
    await other;
    const steps = log.filter((e) => e !== 'io');
    expect(steps.join('')).toBe('abcabcabcabc');
    // No two steps without the loop turning in between.
    for (let i = 1; i < log.length; i++) expect(log[i] !== 'io' && log[i - 1] !== 'io').toBe(false);
    expect(turns.queued).toBe(0);
  });
});
