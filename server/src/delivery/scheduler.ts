// The delivery scheduler: a pool of workers that claims due jobs from the store and runs them, local
// or remote, within delivery.concurrency and delivery.connections_per_domain. Workers wake at once on
// new mail and on send-now, otherwise at the next due time or the poll interval, whichever is sooner.
import type { Log as Logger } from '../telemetry/log.ts';
import type { Config } from '../config/settings.ts';
import type { Store } from '../store/store.ts';
import type { DeliveryJob, RecipientOutcome } from '../store/types.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import type { MessageIntake } from './accept.ts';
import { OutageBackoff } from '../util/outage-backoff.ts';
import { isExpired, retryDelaySeconds } from './backoff.ts';
import { overQuotaRecipients } from './local-quota.ts';
import { DkimSigner } from '../dkim/signer.ts';
import { prepareBounce, type BounceBuilder, type Original } from './bounce.ts';
import type { FailedRecipient } from './dsn.ts';
import { deliverRemote, type DeferralReason, type RecipientResult } from './remote.ts';
import { HistoryPruner } from './history-pruner.ts';
import { nextHopFor } from './next-hop.ts';

export class DeliveryScheduler {
  private running = false;
  private pumping = false;
  private pumpAgain = false;
  private recovered = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly active = new Set<Promise<void>>();
  private readonly busyDomains = new Map<string, number>();
  private readonly log: Logger = logger('delivery');
  private readonly dkim: DkimSigner;
  /** The database away: claims wait 1 s, 2 s, ... up to 30 s between attempts, logged once per outage. */
  private readonly outage = new OutageBackoff(1000, 30_000);
  private readonly pruner: HistoryPruner;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    intake: MessageIntake,
    private readonly events: EventBus,
    private readonly remote = deliverRemote,
  ) {
    intake.onAccepted(() => this.wake());
    this.dkim = new DkimSigner(store);
    this.pruner = new HistoryPruner(config, store);
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    // Only once per process: after a stop and start within one process, jobs that outlived the grace
    // period are still ours and will record their own outcomes; recovering them would let a second
    // worker claim them while the first is still sending.
    if (!this.recovered) {
      const recovered = await this.store.recoverInFlight();
      this.recovered = true;
      if (recovered > 0) this.log.warn({ recipients: recovered }, 'recovered deliveries interrupted by a restart; they retry at their scheduled time');
    }
    this.running = true;
    this.pruner.start();
    this.wake();
  }

  /** Stops claiming new work and waits up to the grace period for deliveries in progress. */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    this.pruner.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.active]), grace]);
  }

  /** Look for due work now (new mail, send-now, a finished job freed a slot). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.running && this.active.size < this.config['delivery.concurrency']) {
          const now = Date.now();
          const job = await this.store.claimNextJob(now, (attempts) => now + retryDelaySeconds(this.config['delivery.retry_schedule_seconds'], attempts) * 1000, this.saturatedDomains());
          if (this.outage.succeeded()) this.log.info('claiming work again: the store answers');
          if (!job) break;
          this.launch(job);
        }
      } while (this.pumpAgain && this.running);
    } catch (err) {
      const first = !this.outage.failing;
      const waitMs = this.outage.failed();
      if (first) this.log.error({ err: (err as Error).message }, 'claiming work failed; retrying with backoff (up to 30 s) until the store answers');
      else this.log.debug({ err: (err as Error).message, waitMs }, 'claiming work failed again');
    } finally {
      this.pumping = false;
      await this.armTimer();
    }
  }

  private saturatedDomains(): Set<string> {
    const limit = this.config['delivery.connections_per_domain'];
    return new Set([...this.busyDomains].filter(([, n]) => n >= limit).map(([d]) => d));
  }

  private async armTimer(): Promise<void> {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const poll = this.config['delivery.poll_interval_ms'];
    let wait = poll;
    try {
      const due = await this.store.nextDueAt();
      if (due !== null) wait = Math.min(poll, Math.max(0, due - Date.now()));
    } catch {
      // keep the poll interval
    }
    this.timer = setTimeout(() => this.wake(), Math.max(wait, this.outage.delayMs));
    this.timer.unref();
  }

  private launch(job: DeliveryJob): void {
    const remote = job.destination === 'remote';
    if (remote) this.busyDomains.set(job.domain, (this.busyDomains.get(job.domain) ?? 0) + 1);
    const run = this.run(job)
      .catch((err: Error) => this.abandon(job, err))
      .finally(() => {
        this.active.delete(run);
        if (remote) {
          const left = (this.busyDomains.get(job.domain) ?? 1) - 1;
          if (left <= 0) this.busyDomains.delete(job.domain);
          else this.busyDomains.set(job.domain, left);
        }
        this.wake();
      });
    this.active.add(run);
  }

  /**
   * A job that failed unexpectedly (store error, bug) must not leave its recipients in flight until the
   * next restart: they become deferred and retry at the time written when they were claimed.
   */
  private async abandon(job: DeliveryJob, err: Error): Promise<void> {
    this.log.error({ queueId: job.messageId, err: err.message }, 'delivery job failed; deferred');
    const error = `internal error: ${err.message}`.slice(0, 1000);
    for (const _ of job.recipients) this.events.emit('delivery.deferred', { destination: job.destination, reason: 'internal' });
    try {
      await this.store.recordOutcomes(
        job.messageId,
        job.recipients.map((r) => ({ recipientId: r.id, result: 'deferred', error })),
        Date.now(),
      );
    } catch (again) {
      this.log.error({ queueId: job.messageId, err: (again as Error).message }, 'could not defer a failed job; it is recovered at the next start');
    }
  }

  private async run(job: DeliveryJob): Promise<void> {
    const started = Date.now();
    const log = this.log.child({ queueId: job.messageId });
    const content = await this.store.readContent(job.messageId);
    if (!content) return; // removed from the queue after it was claimed
    if (job.destination === 'local') {
      const full = await overQuotaRecipients(this.store, job.recipients, content.length);
      if (full.length > 0) {
        const results = new Map<number, RecipientResult>(
          full.map((r) => [r.id, { result: 'deferred', error: `4.2.2 <${r.address}>: mailbox full: over its storage quota`, reason: 'local', attempt: { mxHost: 'local' } }]),
        );
        await this.settle({ ...job, recipients: full }, results, content, started, log);
      }
      const fits = job.recipients.filter((r) => !full.includes(r));
      if (fits.length === 0) return;
      const { delivered, unfiled } = await this.store.deliverLocal(
        job.messageId,
        fits.map((r) => r.id),
        content,
        Date.now(),
      );
      if (delivered.length > 0) {
        log.info({ recipients: job.recipients.filter((r) => delivered.includes(r.id)).map((r) => r.address) }, 'delivered locally');
        this.events.emit('delivery.finished', { destination: 'local', result: 'delivered', seconds: (Date.now() - started) / 1000, recipients: delivered.length });
        const queued = (Date.now() - job.createdAt) / 1000;
        for (const _ of delivered) this.events.emit('delivery.final', { destination: 'local', result: 'delivered', seconds: queued });
      }
      if (unfiled.length > 0) {
        const results = new Map<number, RecipientResult>(unfiled.map((r) => [r.id, { result: 'bounced', error: `5.1.1 <${r.address}>: mailbox no longer exists`, attempt: { mxHost: 'local' } }]));
        await this.settle({ ...job, recipients: unfiled }, results, content, started, log);
      }
      return;
    }
    const route = await nextHopFor(job.domain, this.store, this.config);
    const results = await this.remote(job, content, this.config, route);
    await this.settle(job, results, content, started, log);
  }

  private async settle(job: DeliveryJob, results: Map<number, RecipientResult>, content: Buffer, started: number, log: Logger): Promise<void> {
    const now = Date.now();
    const outcomes: RecipientOutcome[] = [];
    const failed: FailedRecipient[] = [];
    const tally = { delivered: 0, deferred: 0, bounced: 0 };
    const reasons = new Map<number, DeferralReason>();
    for (const rcpt of job.recipients) {
      const r = results.get(rcpt.id) ?? { result: 'deferred', error: 'no result' };
      if (r.result === 'deferred' && r.reason) reasons.set(rcpt.id, r.reason);
      if (r.result === 'deferred' && isExpired(job.createdAt, now, this.config['delivery.expiry_seconds'])) {
        failed.push({ address: rcpt.address, error: r.error, expired: true });
        outcomes.push({ recipientId: rcpt.id, result: 'bounced', error: `expired: ${r.error}`, attempt: r.attempt });
        tally.bounced++;
      } else if (r.result === 'bounced') {
        failed.push({ address: rcpt.address, error: r.error, expired: false });
        outcomes.push({ recipientId: rcpt.id, result: 'bounced', error: r.error, attempt: r.attempt });
        tally.bounced++;
      } else if (r.result === 'deferred') {
        // The retry time was written when the job was claimed; keep it.
        outcomes.push({ recipientId: rcpt.id, result: 'deferred', error: r.error, attempt: r.attempt });
        tally.deferred++;
      } else {
        outcomes.push({ recipientId: rcpt.id, result: 'delivered', attempt: r.attempt });
        tally.delivered++;
      }
      log.info({ recipient: rcpt.address, result: r.result, error: 'error' in r ? r.error : undefined, attempt: rcpt.attempts }, 'delivery attempt');
    }
    const bounce = failed.length > 0 ? (await this.prepareBounce(job, content, log))(failed) : null;
    await this.store.recordOutcomes(job.messageId, outcomes, now, bounce ?? undefined);
    const queued = Math.max(0, (now - job.createdAt) / 1000);
    for (const o of outcomes) {
      if (o.result === 'deferred')
        this.events.emit('delivery.deferred', { destination: job.destination, reason: reasons.get(o.recipientId) ?? (job.destination === 'local' ? 'local' : 'connection') });
      else this.events.emit('delivery.final', { destination: job.destination, result: o.result, seconds: queued });
    }
    if (bounce) log.info({ bounceId: bounce.id, failed: failed.length }, 'bounce queued');
    const seconds = (now - started) / 1000;
    for (const result of ['delivered', 'deferred', 'bounced'] as const) {
      if (tally[result] > 0) this.events.emit('delivery.finished', { destination: job.destination, result, seconds, recipients: tally[result] });
    }
  }

  /** Final outcomes recorded outside a job (the admin "bounce"): counted in the queue time like the others. */
  finalOutcomes(recipients: ReadonlyArray<{ destination: DeliveryJob['destination'] }>, result: 'delivered' | 'bounced', createdAt: number): void {
    const seconds = Math.max(0, (Date.now() - createdAt) / 1000);
    for (const r of recipients) this.events.emit('delivery.final', { destination: r.destination, result, seconds });
  }

  /** Where a DSN for this message goes and how it is built; the admin "bounce" action uses it too. */
  async prepareBounce(original: Original, content: Buffer, log: Logger = this.log): Promise<BounceBuilder> {
    const key = this.config['dkim.enabled'] ? await this.dkim.hostKey(this.config.hostname) : null;
    return prepareBounce(this.config.hostname, original, content, this.store, log, key);
  }
}
