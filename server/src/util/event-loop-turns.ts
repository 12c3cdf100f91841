// Sharing the event loop between sessions whose commands are long (a FETCH of a mailbox of large
// messages: issue 14 measured /healthz waiting 800 ms behind 40 of them). Such work is cut into steps of
// a few milliseconds (read one message, parse it, send one chunk), and before each step the session
// awaits takeTurn(). While nobody waits and the loop has been busy for less than BUSY_BUDGET_MS, a step
// starts at once (a lone FETCH runs at full speed); otherwise steps wait in arrival order and one starts
// per turn of the event loop, so timers, I/O and every other session get the loop between any two steps.
// The wait is for a start, not for the step to finish: a step that awaits real I/O does not hold others.

/** How long steps may follow one another without letting the loop turn. */
const BUSY_BUDGET_MS = 5;

export class EventLoopTurns {
  private readonly waiting: Array<() => void> = [];
  /** When the current run of back-to-back steps began; null when the loop has turned since. */
  private busySince: number | null = null;
  private tickScheduled = false;

  constructor(
    private readonly budgetMs = BUSY_BUDGET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the caller may run its next step. */
  take(): Promise<void> {
    const now = this.now();
    this.busySince ??= now;
    this.scheduleTick();
    if (this.waiting.length === 0 && now - this.busySince < this.budgetMs) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Steps waiting for their turn (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    // An immediate queued here runs after this turn's I/O; queued from the tick itself, in the next turn.
    setImmediate(() => this.tick());
  }

  private tick(): void {
    this.tickScheduled = false;
    const next = this.waiting.shift();
    if (!next) {
      this.busySince = null;
      return;
    }
    this.busySince = this.now();
    this.scheduleTick();
    next();
  }
}

const shared = new EventLoopTurns();

/** The process's turns: every session shares them. */
export const takeTurn = (): Promise<void> => shared.take();
