// The metric catalogue: every metric Mailroom exports, its help text and its label values, in one
// place. Labels are bounded by design: never addresses, domains, ids or users. docs/metrics.md is
// checked against the live registry by a test.
//
// Counters are fed from the EventBus (see metrics-from-events.ts). Gauges that mirror state (sessions,
// queue, server) are read at scrape time through `collect()`, so they can never drift from the truth.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  ADMIN_ENDPOINTS,
  CONNECTION_LIMITS,
  GREETING_CHECK_RESULTS,
  LISTENERS,
  PROTOCOLS,
  REJECTION_REASONS,
  SCANNERS,
  SPAM_ACTIONS,
  type ListenerName,
  type Protocol,
  type Scanner,
} from './events.ts';
import { LOG_CATEGORIES, type CategoryState, type LogCategory } from './log-categories.ts';
import { DEFERRAL_REASONS } from './events.ts';
import { TLS_LISTENERS, TLS_RESULTS, TLS_VERSIONS, tlsHandshakeCounts } from './tls-handshakes.ts';
import { LOKI_DROP_REASONS, type LokiClientSnapshot } from './loki/index.ts';
import type { Destination, MessageSource, QueueState } from '../store/types.ts';

export const MESSAGE_SOURCES: readonly Exclude<MessageSource, 'bounce'>[] = ['smtp', 'submission', 'api', 'pop3_fetch'];
export { ADMIN_ENDPOINTS, REJECTION_REASONS, SCANNERS, SPAM_ACTIONS } from './events.ts';
export const PROTOCOL_LABELS: readonly Protocol[] = PROTOCOLS;
/** Protocols that close a session whose client stops reading (SMTP has no write timeout: smtp-server writes). */
export const NOT_READING_PROTOCOLS: readonly Protocol[] = ['imap', 'pop3'];
/**
 * Metrics every node of a cluster reports alike, because they are read from the shared database at scrape
 * time: dashboards and rules take max (or min) across instances, never sum. Every other mailroom_ metric is
 * the node's own and is summed across instances. (On SQLite there is one node and either way is right.)
 */
export const CLUSTER_WIDE_METRICS = ['mailroom_queue_messages', 'mailroom_queue_oldest_message_age_seconds', 'mailroom_bans_active', 'mailroom_cluster_node_up'] as const;
export const QUEUE_STATES: readonly QueueState[] = ['queued', 'deferred', 'held', 'in_flight'];
export const DESTINATIONS: readonly Destination[] = ['local', 'remote'];
export const DELIVERY_RESULTS = ['delivered', 'deferred', 'bounced'] as const;

/** What the scrape-time gauges read. */
export interface MetricSources {
  sessions(): Record<Protocol, number>;
  listenerSessions(): Record<ListenerName, number>;
  server(): { running: boolean; startedAt: number | null };
  queue(): Promise<{ byState: Record<QueueState, number>; oldestCreatedAt: number | null }>;
  warnings(): ReadonlyArray<{ id: string; severity: string }>;
  bansActive(): Promise<number>;
  /** Accounts using 90% or more of a storage quota (bytes or messages; docs/quotas.md). */
  accountsNearQuota(): Promise<number>;
  /** Every node registered in the database and not stopped cleanly (on SQLite: this one); null when it cannot be read. */
  nodes(): Promise<ReadonlyArray<{ name: string; up: boolean }> | null>;
  logging(): { lines: Record<LogCategory, number>; enabled: CategoryState; liveDropped: number; stdoutDropped: number };
  /** Each configured scanner and whether it is asked (its circuit is closed); unconfigured ones are absent. */
  scanners(): ReadonlyArray<{ scanner: Scanner; available: boolean }>;
  /** The Loki client's own totals, or null when Loki is not configured. */
  loki(): LokiClientSnapshot | null;
  /** DNS lookups so far by record type and result, every pair listed (zeros included); dns/stats.ts keeps them. */
  dnsQueries(): ReadonlyArray<{ type: string; result: string; count: number }>;
  /** Incoming sender checks so far by method and result, every pair listed; sender-auth/stats.ts keeps them. */
  authChecks(): ReadonlyArray<{ method: string; result: string; count: number }>;
  /** Outgoing DKIM signing so far by result (signed, no_key, failed), every result listed; dkim/stats.ts keeps them. */
  dkimSignatures(): ReadonlyArray<{ result: string; count: number }>;
  build: { version: string; database: string; databaseVersion: string };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names three gauges *_total, which Prometheus reserves for counters (promtool flags
  // them). The same numbers remain per type in nodejs_active_handles / _requests / _resources.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const r = [registry];

  const messagesProcessed = new Counter({
    name: 'mailroom_messages_processed_total',
    help: 'Messages accepted for delivery, once per message (source: smtp, submission, api, pop3_fetch). Never decreases.',
    labelNames: ['source'] as const,
    registers: r,
  });
  const virusesDetected = new Counter({
    name: 'mailroom_viruses_detected_total',
    help: 'Messages in which a virus was found, whatever was then done with them (rejected, deleted or quarantined).',
    registers: r,
  });
  const spamDetected = new Counter({
    name: 'mailroom_spam_detected_total',
    help: 'Messages scored as spam, by the action taken (tag, junk, reject, delete); can exceed processed messages when spam is refused.',
    labelNames: ['action'] as const,
    registers: r,
  });
  const scanErrors = new Counter({
    name: 'mailroom_scan_errors_total',
    help: 'Checks that got no answer from a scanner (scanner: clamd, spamd): down, timed out or saturated. The message was then accepted unscanned or temp-failed (scan.unavailable_action).',
    labelNames: ['scanner'] as const,
    registers: r,
  });
  new Gauge({
    name: 'mailroom_scanner_available',
    help: 'Per configured scanner (clamd, spamd): 1 while it is asked, 0 while it is known down (its circuit is open: checks count as unavailable at once until a background probe gets an answer). No series for a scanner that is not configured.',
    labelNames: ['scanner'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const { scanner, available } of sources.scanners()) this.set({ scanner }, available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mailroom_sessions',
    help: 'Client sessions open now, per protocol (smtp, submission, pop3, imap).',
    labelNames: ['protocol'] as const,
    registers: r,
    collect() {
      const counts = sources.sessions();
      for (const protocol of PROTOCOL_LABELS) this.set({ protocol }, counts[protocol]);
    },
  });
  new Gauge({
    name: 'mailroom_listener_sessions',
    help: `Client sessions open now, per listener (${LISTENERS.join(', ')}): submissions, imaps and pop3s are the implicit TLS listeners (RFC 8314), whose sessions mailroom_sessions counts under their protocol.`,
    labelNames: ['listener'] as const,
    registers: r,
    collect() {
      const counts = sources.listenerSessions();
      for (const listener of LISTENERS) this.set({ listener }, counts[listener]);
    },
  });
  const sessionsOpened = new Counter({
    name: 'mailroom_sessions_opened_total',
    help: 'Client sessions opened since the service started, per protocol.',
    labelNames: ['protocol'] as const,
    registers: r,
  });
  const sessionsClosedNotReading = new Counter({
    name: 'mailroom_sessions_closed_not_reading_total',
    help: 'Client sessions closed because the client read nothing of a response for limits.write_timeout_seconds while its output buffer was full, per protocol (imap, pop3).',
    labelNames: ['protocol'] as const,
    registers: r,
  });
  new Gauge({
    name: 'mailroom_server_running',
    help: '1 while the server component (listeners and delivery) runs, 0 while it is stopped; the service keeps running either way.',
    registers: r,
    collect() {
      this.set(sources.server().running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mailroom_server_start_time_seconds',
    help: 'Unix time the server component last started (0 while stopped); the process has process_start_time_seconds.',
    registers: r,
    collect() {
      const { startedAt } = sources.server();
      this.set(startedAt === null ? 0 : startedAt / 1000);
    },
  });
  const buildInfo = new Gauge({
    name: 'mailroom_build_info',
    help: 'Always 1; labels give the Mailroom version and the database backend and its version.',
    labelNames: ['version', 'database', 'database_version'] as const,
    registers: r,
  });
  buildInfo.set({ version: sources.build.version, database: sources.build.database, database_version: sources.build.databaseVersion }, 1);
  new Gauge({
    name: 'mailroom_queue_messages',
    help: 'Messages in the delivery queue by state (queued, deferred, held, in_flight).',
    labelNames: ['state'] as const,
    registers: r,
    async collect() {
      const { byState } = await sources.queue();
      for (const state of QUEUE_STATES) this.set({ state }, byState[state]);
    },
  });
  new Gauge({
    name: 'mailroom_queue_oldest_message_age_seconds',
    help: 'Age of the oldest message in the delivery queue (0 when the queue is empty).',
    registers: r,
    async collect() {
      const { oldestCreatedAt } = await sources.queue();
      this.set(oldestCreatedAt === null ? 0 : Math.max(0, (Date.now() - oldestCreatedAt) / 1000));
    },
  });
  const deliveries = new Counter({
    name: 'mailroom_deliveries_total',
    help: 'Recipient delivery attempts by destination (local, remote) and result (delivered, deferred, bounced).',
    labelNames: ['destination', 'result'] as const,
    registers: r,
  });
  const deliveryDuration = new Histogram({
    name: 'mailroom_delivery_duration_seconds',
    help: 'Time one delivery attempt took (one message to one destination), by destination. For the time from acceptance to the final outcome see mailroom_message_queue_time_seconds.',
    labelNames: ['destination'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: r,
  });
  const deliveryDeferrals = new Counter({
    name: 'mailroom_delivery_deferrals_total',
    help: `Recipient delivery attempts deferred, by destination (local, remote) and reason (${DEFERRAL_REASONS.join(', ')}): dns, no MX or address found; connection, refused, timed out or dropped; tls, the STARTTLS handshake failed; remote_4xx, the receiver answered 4xx; local, local delivery cannot file it now (over quota); internal, a store error.`,
    labelNames: ['destination', 'reason'] as const,
    registers: r,
  });
  for (const destination of DESTINATIONS) for (const reason of DEFERRAL_REASONS) deliveryDeferrals.inc({ destination, reason }, 0);
  const messageQueueTime = new Histogram({
    name: 'mailroom_message_queue_time_seconds',
    help: "Time from acceptance to a recipient's final outcome (result: delivered, bounced), by destination; observed once per recipient when it is final, never per attempt (0 for local mail filed at acceptance).",
    labelNames: ['destination', 'result'] as const,
    buckets: [0.1, 1, 5, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 172800, 432000],
    registers: r,
  });
  new Counter({
    name: 'mailroom_tls_handshakes_total',
    help: `TLS handshakes by listener (${TLS_LISTENERS.join(', ')}; outbound is delivery to other servers), negotiated version (${TLS_VERSIONS.join(', ')}; none when it failed) and result (${TLS_RESULTS.join(', ')}). STARTTLS and implicit TLS alike.`,
    labelNames: ['listener', 'version', 'result'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const { listener, version, result, count } of tlsHandshakeCounts()) this.inc({ listener, version, result }, count);
    },
  });
  const queueLeasesLost = new Counter({
    name: 'mailroom_queue_leases_lost_total',
    help: 'PostgreSQL store: delivery outcomes not recorded because this node no longer held the lease on the recipient (its message was removed, or another node took the work over after the lease expired).',
    registers: r,
  });
  const smtpRejections = new Counter({
    name: 'mailroom_smtp_rejections_total',
    help: `SMTP commands refused, by reason (${REJECTION_REASONS.join(', ')}).`,
    labelNames: ['reason'] as const,
    registers: r,
  });
  const greetingChecks = new Counter({
    name: 'mailroom_smtp_greeting_checks_total',
    help: `MX connections by the outcome of the greeting check (${GREETING_CHECK_RESULTS.join(', ')}): passed waited smtp.greeting_delay_ms quietly, skipped were greeted at once because their address passed within smtp.greeting_pass_ttl_seconds, early_talker talked first and were disconnected. Trusted networks are neither.`,
    labelNames: ['result'] as const,
    registers: r,
  });
  for (const result of GREETING_CHECK_RESULTS) greetingChecks.inc({ result }, 0);
  const authFailures = new Counter({
    name: 'mailroom_auth_failures_total',
    help: 'Failed logins per protocol.',
    labelNames: ['protocol'] as const,
    registers: r,
  });
  const adminAuthFailures = new Counter({
    name: 'mailroom_admin_auth_failures_total',
    help: 'Requests to the admin port with a wrong bearer token, by endpoint (api: /api/v1, metrics: /metrics); each was answered 401 after a delay. Requests without a token are not counted.',
    labelNames: ['endpoint'] as const,
    registers: r,
  });
  new Gauge({
    name: 'mailroom_bans_active',
    help: 'Client addresses currently banned after repeated failed logins.',
    registers: r,
    async collect() {
      this.set(await sources.bansActive());
    },
  });
  new Gauge({
    name: 'mailroom_accounts_near_quota',
    help: 'Accounts using 90% or more of their storage quota in bytes or in messages (quota.default_bytes, quota.default_messages or their own limits); at 100% new mail for them is refused (SMTP 552 5.2.2, IMAP NO [OVERQUOTA]).',
    registers: r,
    async collect() {
      this.set(await sources.accountsNearQuota());
    },
  });
  new Gauge({
    name: 'mailroom_cluster_node_up',
    // Cluster-wide: every node reports every node (its heartbeat in the database), so rules take max by node.
    help: '1 per node whose heartbeat is younger than its lease, 0 per node that stopped heartbeating without a clean stop; labelled by node (cluster.node_name). Read from the database: every node reports every node, so take max by (node). A node stopped cleanly has no series.',
    labelNames: ['node'] as const,
    registers: r,
    async collect() {
      const nodes = await sources.nodes();
      if (nodes === null) return; // the database is away: the last values stay
      this.reset();
      for (const n of nodes) this.set({ node: n.name }, n.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mailroom_config_warnings',
    help: 'One series with value 1 per active configuration warning from the self-test, labelled by warning id and severity.',
    labelNames: ['id', 'severity'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const w of sources.warnings()) this.set({ id: w.id, severity: w.severity }, 1);
    },
  });

  new Counter({
    name: 'mailroom_log_lines_total',
    help: 'Log lines written, per category (smtp, submission, pop3, imap, tcpip, delivery, application, debug).',
    labelNames: ['category'] as const,
    registers: r,
    collect() {
      const { lines } = sources.logging();
      this.reset();
      for (const category of LOG_CATEGORIES) this.inc({ category }, lines[category]);
    },
  });
  new Gauge({
    name: 'mailroom_log_category_enabled',
    help: '1 for each log category that is switched on (info and below are written only then; warnings and errors always are).',
    labelNames: ['category'] as const,
    registers: r,
    collect() {
      const { enabled } = sources.logging();
      for (const category of LOG_CATEGORIES) this.set({ category }, enabled[category] ? 1 : 0);
    },
  });
  new Counter({
    name: 'mailroom_log_dropped_lines_total',
    help: 'Log lines dropped locally because a reader was too slow: stdout (its buffer was full) or live_log (a live log viewer fell behind).',
    labelNames: ['destination'] as const,
    registers: r,
    collect() {
      const { liveDropped, stdoutDropped } = sources.logging();
      this.reset();
      this.inc({ destination: 'stdout' }, stdoutDropped);
      this.inc({ destination: 'live_log' }, liveDropped);
    },
  });
  new Counter({
    name: 'mailroom_loki_sent_entries_total',
    help: 'Log lines Loki accepted.',
    registers: r,
    collect() {
      this.reset();
      this.inc(sources.loki()?.sentEntries ?? 0);
    },
  });
  new Counter({
    name: 'mailroom_loki_dropped_entries_total',
    help: `Log lines that never reached Loki, by reason (${LOKI_DROP_REASONS.join(', ')}).`,
    labelNames: ['reason'] as const,
    registers: r,
    collect() {
      const snapshot = sources.loki();
      this.reset();
      for (const reason of LOKI_DROP_REASONS) this.inc({ reason }, snapshot?.droppedEntries[reason] ?? 0);
    },
  });
  new Counter({
    name: 'mailroom_loki_batch_retries_total',
    help: 'Push requests to Loki that were retried (429, 5xx, network errors).',
    registers: r,
    collect() {
      this.reset();
      this.inc(sources.loki()?.batchRetries ?? 0);
    },
  });
  const lokiRequestDuration = new Histogram({
    name: 'mailroom_loki_request_duration_seconds',
    help: 'Duration of push requests to Loki, by HTTP status code ("network" when no response came).',
    labelNames: ['status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: r,
  });
  const eventLoopDelay = new Histogram({
    name: 'mailroom_event_loop_delay_seconds',
    help: 'The longest event-loop delay in each one-second window: how long every client (and /healthz) waited because the main thread was busy. Windows above limits.event_loop_delay_warning_ms are also logged.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: r,
  });

  // Every known label set exists at 0 from the start, so rate() and absent() behave from the first scrape.
  for (const source of MESSAGE_SOURCES) messagesProcessed.inc({ source }, 0);
  for (const action of SPAM_ACTIONS) spamDetected.inc({ action }, 0);
  for (const scanner of SCANNERS) scanErrors.inc({ scanner }, 0);
  for (const endpoint of ADMIN_ENDPOINTS) adminAuthFailures.inc({ endpoint }, 0);
  for (const protocol of PROTOCOL_LABELS) {
    sessionsOpened.inc({ protocol }, 0);
    authFailures.inc({ protocol }, 0);
  }
  for (const destination of DESTINATIONS) {
    deliveryDuration.zero({ destination });
    for (const result of ['delivered', 'bounced'] as const) messageQueueTime.zero({ destination, result });
    for (const result of DELIVERY_RESULTS) deliveries.inc({ destination, result }, 0);
  }
  for (const reason of REJECTION_REASONS) smtpRejections.inc({ reason }, 0);
  new Counter({
    name: 'mailroom_dns_queries_total',
    help: 'DNS lookups through the server resolver (dns.servers), by record type (A, AAAA, MX, TXT, PTR, CNAME, NS, other) and result: answer, or the failure: nxdomain and nodata (permanent), timeout, servfail, refused, error (temporary).',
    labelNames: ['type', 'result'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const { type, result, count } of sources.dnsQueries()) this.inc({ type, result }, count);
    },
  });
  new Counter({
    name: 'mailroom_auth_checks_total',
    help: 'Checks of incoming MX mail (smtp.sender_auth) by method (spf, dkim, dmarc, arc) and result (pass, fail, softfail, neutral, none, policy, temperror, permerror, other). A message with several DKIM signatures counts once per signature.',
    labelNames: ['method', 'result'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const { method, result, count } of sources.authChecks()) this.inc({ method, result }, count);
    },
  });
  new Counter({
    name: 'mailroom_dkim_signatures_total',
    help: 'DKIM signing of outgoing mail (dkim.enabled) by result: signed, no_key (the From domain has no key, sent unsigned) or failed (sent unsigned, logged).',
    labelNames: ['result'] as const,
    registers: r,
    collect() {
      this.reset();
      for (const { result, count } of sources.dkimSignatures()) this.inc({ result }, count);
    },
  });
  const connectionLimitHits = new Counter({
    name: 'mailroom_connection_limit_hits_total',
    help: `Clients refused, closed or evicted by a connection limit, or IMAP commands refused by a size or keyword limit, per protocol and limit (${CONNECTION_LIMITS.join(', ')}): see limits.* in docs/configuration.md.`,
    labelNames: ['protocol', 'limit'] as const,
    registers: r,
  });
  for (const protocol of PROTOCOLS) for (const limit of CONNECTION_LIMITS) connectionLimitHits.inc({ protocol, limit }, 0);
  const diskFullRefusals = new Counter({
    name: 'mailroom_disk_full_refusals_total',
    help: 'Commands refused because the disk holding the mail store is full, per protocol (SMTP 452 4.3.1, IMAP NO [OVERQUOTA] or [LIMIT], POP3 -ERR [SYS/TEMP]).',
    labelNames: ['protocol'] as const,
    registers: r,
  });
  for (const protocol of PROTOCOLS) diskFullRefusals.inc({ protocol }, 0);
  const sessionsClosedByBan = new Counter({
    name: 'mailroom_sessions_closed_by_ban_total',
    help: 'Open client sessions closed because their address was banned while they were connected (all protocols).',
    registers: r,
  });
  for (const protocol of NOT_READING_PROTOCOLS) sessionsClosedNotReading.inc({ protocol }, 0);

  return {
    registry,
    eventLoopDelay,
    lokiRequestDuration,
    messagesProcessed,
    virusesDetected,
    spamDetected,
    scanErrors,
    sessionsOpened,
    sessionsClosedNotReading,
    sessionsClosedByBan,
    connectionLimitHits,
    diskFullRefusals,
    deliveries,
    deliveryDuration,
    deliveryDeferrals,
    messageQueueTime,
    queueLeasesLost,
    smtpRejections,
    greetingChecks,
    authFailures,
    adminAuthFailures,
  };
}
