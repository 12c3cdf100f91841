// Watches the event loop: everything Mailroom serves (SMTP, POP3, IMAP, the admin API, /healthz) runs on
// one thread, so work that holds it blocks every client at once. Once per window the longest delay
// perf_hooks measured in it is recorded (mailroom_event_loop_delay_seconds), and a window over the
// threshold (limits.event_loop_delay_warning_ms) is logged as a warning in the application category,
// at most one line per WARNING_INTERVAL_MS so a slow machine does not flood the log.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Log } from './log.ts';

/** One measurement window: the histogram's maximum is read and reset this often. */
export const WATCHDOG_WINDOW_MS = 1000;
/** At most one warning line this often; the line counts the windows over the threshold since the last. */
export const WARNING_INTERVAL_MS = 60_000;

export interface WatchdogOptions {
  /** Called once per window with the longest delay in it, in seconds. */
  observe(seconds: number): void;
  /** 0: never warn. */
  warningMs: number;
  log: Pick<Log, 'warn'>;
  now?: () => number;
}

export class EventLoopWatchdog {
  private monitor: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastWarning = -Infinity;
  private slowWindows = 0;
  private worstMs = 0;

  constructor(private readonly options: WatchdogOptions) {}

  start(): void {
    if (this.monitor) return;
    // 10 ms sampling: delays shorter than that do not matter here, and the sampler itself stays cheap.
    this.monitor = monitorEventLoopDelay({ resolution: 10 });
    this.monitor.enable();
    this.timer = setInterval(() => this.endWindow(this.monitor!.max / 1e9), WATCHDOG_WINDOW_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.monitor?.disable();
    this.timer = null;
    this.monitor = null;
  }

  /** Records one window's longest delay (seconds) and warns when it calls for it. Public for tests. */
  endWindow(seconds: number): void {
    this.monitor?.reset();
    this.options.observe(seconds);
    const { warningMs, log } = this.options;
    const ms = seconds * 1000;
    if (warningMs <= 0 || ms <= warningMs) return;
    this.slowWindows++;
    this.worstMs = Math.max(this.worstMs, ms);
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastWarning < WARNING_INTERVAL_MS) return;
    log.warn({ delayMs: Math.round(this.worstMs), thresholdMs: warningMs, slowWindows: this.slowWindows }, 'event loop blocked: every client waited (see mailroom_event_loop_delay_seconds)');
    this.lastWarning = now;
    this.slowWindows = 0;
    this.worstMs = 0;
  }
}
