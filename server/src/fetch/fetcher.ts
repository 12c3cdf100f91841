// The external POP3 fetcher: part of the *server* (it starts and stops with the listeners), it looks every
// SCHEDULER_TICK_MS for enabled accounts whose interval has passed since their last run and runs them, a
// few at a time. Accounts are read from the store at every tick, so changes made with the CLI or the
// admin API take effect without a restart. The last run's time and error are kept in the store.
import type net from 'node:net';
import type { Intake } from '../delivery/intake.ts';
import type { FetchAccount, FetchAccountStore } from '../store/fetch-account-store.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { runFetch, type FetchResult, type RunControl } from './fetch-run.ts';
import { MAX_CONCURRENT_FETCHES, SCHEDULER_TICK_MS } from './limits.ts';
import { Pop3ClientError } from './pop3-client.ts';

export class FetchBusyError extends Error {
  constructor() {
    super('a fetch of this account is already running');
    this.name = 'FetchBusyError';
  }
}

export interface FetcherDeps {
  store: FetchAccountStore;
  /** Scan, then accept, as for mail that arrives over SMTP. */
  intake: Intake;
  hostname: string;
  maxMessageBytes: number;
  log: Logger;
  /** How external hosts' names are looked up (the server's resolver, dns/connect-lookup.ts). */
  lookup?: net.LookupFunction;
}

interface Running {
  control: RunControl;
  done: Promise<FetchResult>;
}

export class ExternalFetcher {
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private readonly running = new Map<number, Running>();

  constructor(private readonly deps: FetcherDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), SCHEDULER_TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  /**
   * Stops scheduling; runs in progress finish the message they are on and QUIT (so their DELEs apply).
   * After graceMs whatever is left is cut off: nothing is lost, the UIDL of a message is remembered only
   * once it is delivered.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const runs = [...this.running.values()];
    for (const r of runs) r.control.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(runs.map((r) => r.done)), grace]);
    clearTimeout(timer);
    for (const r of runs) r.control.client?.close();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  /**
   * Runs one account now (the admin API's "fetch now"), whatever its interval says. A failed run resolves
   * too, with its error; only an account already being fetched is refused (FetchBusyError).
   */
  async fetchNow(account: FetchAccount): Promise<FetchResult & { error: string | null }> {
    if (this.running.has(account.id)) throw new FetchBusyError();
    const control = this.launch(account);
    return this.running.get(account.id)!.done.then(
      (result) => ({ ...result, error: null }),
      (err: Error) => ({ ...control.result, error: err.message }),
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking || !this.timer) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const account of await this.deps.store.listFetchAccounts()) {
        if (this.running.size >= MAX_CONCURRENT_FETCHES) break;
        const due = account.lastRunAt === null || now - account.lastRunAt >= account.intervalSeconds * 1000;
        if (account.enabled && due && !this.running.has(account.id)) this.launch(account);
      }
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'reading external accounts failed');
    } finally {
      this.ticking = false;
    }
  }

  private launch(account: FetchAccount): RunControl {
    const control: RunControl = { stopping: false, client: null, result: { delivered: 0, skipped: 0, deleted: 0 } };
    const done = this.run(account, control).finally(() => this.running.delete(account.id));
    done.catch(() => undefined); // logged and recorded in run(); fetchNow hands it to its caller
    this.running.set(account.id, { control, done });
    return control;
  }

  private async run(account: FetchAccount, control: RunControl): Promise<FetchResult> {
    const log = this.deps.log.child({ fetchAccount: account.id });
    const started = Date.now();
    try {
      const result = await runFetch(account, this.deps, control);
      await this.deps.store.recordFetchRun(account.id, Date.now(), null, result.delivered);
      // Most runs find nothing new; those would flood the log at short intervals.
      log[result.delivered + result.deleted + result.skipped > 0 ? 'info' : 'debug']({ ...result, ms: Date.now() - started }, 'external account fetched');
      return result;
    } catch (err) {
      // Client errors carry the server's words (never what we sent); anything else is ours.
      const message = err instanceof Pop3ClientError ? err.message : `internal error: ${(err as Error).message}`;
      log.warn({ err: message, host: account.host, port: account.port, ...control.result }, 'fetching external account failed');
      await this.deps.store.recordFetchRun(account.id, Date.now(), message, control.result.delivered).catch(() => undefined);
      throw new Error(message);
    }
  }
}
