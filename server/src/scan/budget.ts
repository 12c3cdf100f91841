// A small connection budget per daemon: at most `maxConcurrent` exchanges at once and at most `maxQueued`
// waiting. Without it a burst of SMTP sessions would open one clamd connection each (clamd's MaxThreads is
// 10 by default, spamd has 5 children) and every scan would slow down or time out together.

export class BudgetFullError extends Error {
  constructor(what: string, queued: number) {
    super(`${what}: too many scans waiting (${queued} queued)`);
    this.name = 'BudgetFullError';
  }
}

export class Budget {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly what: string,
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    if (!(maxConcurrent >= 1)) throw new Error(`${what}: maxConcurrent must be at least 1`);
    if (!(maxQueued >= 0)) throw new Error(`${what}: maxQueued must not be negative`);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `fn` when a slot is free. Rejects at once when the queue is full, and with the signal's reason
   * when it aborts while still waiting (the caller's deadline covers the wait, so nothing waits forever).
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.running < this.maxConcurrent) this.running++;
    else if (this.waiting.length >= this.maxQueued) throw new BudgetFullError(this.what, this.waiting.length);
    else await this.waitForSlot(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** A finished task hands its slot straight to the next waiter, so a newcomer cannot slip in between. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
