// Computes the IMAP facts (stored-facts.ts) of newly stored mail in the background, so the first FETCH
// of a message delivered by SMTP, appended or fetched from an external account reads them instead of
// parsing the message. Why not at acceptance: parsing there would sit between the DATA and its 250, and
// the accept path is what the SMTP benchmark holds against Postfix. Instead the filler works after the
// commit, newest mail first (what clients fetch next), at a bounded share of one core: after each batch it
// rests in proportion to the time the batch took, so a burst of deliveries is not slowed by more than
// that share and the filler catches up when the burst is over. Mail stored before this existed, or copied
// from another store by `mailroom db copy`, is filled in the same way. FETCH keeps computing whatever the
// filler has not reached yet (factsOf), so nothing waits on it. On several nodes each runs its own filler;
// two that take the same message compute the same facts, and the second write changes nothing.
import type { MailboxStore } from '../store/mailbox-store.ts';
import type { Log } from '../telemetry/log.ts';
import { takeTurn } from '../util/event-loop-turns.ts';
import { FACTS_VERSION, renderFacts } from './stored-facts.ts';

/** Messages read per batch: one store query for their ids, one write of their facts. */
const BATCH = 100;
/** The share of one core the filler may use while it has work (rest = busy * (1 - share) / share). */
const CORE_SHARE = 0.1;
/** Messages skipped after a parser error, at most (memory bound). */
const MAX_UNPARSABLE = 1000;
/** How often an idle filler looks for new mail. */
const IDLE_POLL_MS = 1000;

export type FactsFillerStore = Pick<MailboxStore, 'listMailWithoutImapFacts' | 'readMail' | 'saveImapFacts'>;

export class ImapFactsFiller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Messages whose facts this filler computed since it started (tests and logs). */
  filled = 0;
  /**
   * Messages the parser threw on (it is fuzzed and should not): left to FETCH, which reports the error
   * to its client, rather than retried in every batch.
   */
  private readonly unparsable = new Set<number>();

  constructor(
    private readonly store: FactsFillerStore,
    private readonly log: Log,
    private readonly options: { idlePollMs?: number; coreShare?: number } = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops after the batch in progress (its facts are kept). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runBatch().then(
        (rest) => this.schedule(rest),
        (err: unknown) => {
          // A database that is away is the store's to report; the filler tries again later.
          this.log.warn({ err }, 'computing IMAP facts in the background failed; retrying');
          this.schedule(this.options.idlePollMs ?? IDLE_POLL_MS);
        },
      );
    }, ms);
    this.timer.unref();
  }

  /** One batch; returns how long to rest before the next. */
  private async runBatch(): Promise<number> {
    const idle = this.options.idlePollMs ?? IDLE_POLL_MS;
    const ids = (await this.store.listMailWithoutImapFacts(BATCH + this.unparsable.size)).filter((id) => !this.unparsable.has(id));
    if (ids.length === 0) return idle;
    const started = performance.now();
    const facts = new Map<number, ReturnType<typeof renderFacts>>();
    for (const id of ids) {
      // Each parse waits its turn of the event loop, as FETCH's reads do: sessions are never held up
      // behind a batch.
      await takeTurn();
      if (this.stopped) break;
      const content = await this.store.readMail(id);
      if (!content) continue;
      try {
        facts.set(id, renderFacts(content));
      } catch (err) {
        if (this.unparsable.size < MAX_UNPARSABLE) this.unparsable.add(id);
        this.log.warn({ err, mailId: id }, 'could not compute the IMAP facts of a message; FETCH will try again');
      }
    }
    await this.store.saveImapFacts(facts, FACTS_VERSION);
    this.filled += facts.size;
    const share = this.options.coreShare ?? CORE_SHARE;
    return ((performance.now() - started) * (1 - share)) / share;
  }
}
