// Typed events that protocol and delivery code emit. Metrics, counters and the live log are derived
// from these in one place each, so protocol code never touches prom-client directly.
import { EventEmitter } from 'node:events';
import type { Destination, MessageSource } from '../store/types.ts';

// Label sets are declared once, here, as lists: the types derive from them and the metric catalogue
// (metrics.ts) initialises every label value from the same lists, so a new value cannot be half-added.
export const PROTOCOLS = ['smtp', 'submission', 'pop3', 'imap'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
/**
 * The listeners, by name: each protocol's plaintext one (STARTTLS offered) under the protocol's name, and
 * the implicit TLS ones of RFC 8314 (submissions 465, imaps 993, pop3s 995). Sessions on an implicit TLS
 * listener count under their protocol everywhere; only the `listener` label of mailroom_listener_sessions
 * tells them apart.
 */
export const LISTENERS = ['smtp', 'submission', 'submissions', 'pop3', 'pop3s', 'imap', 'imaps'] as const;
export type ListenerName = (typeof LISTENERS)[number];
export const IMPLICIT_TLS_LISTENERS = { submissions: 'submission', pop3s: 'pop3', imaps: 'imap' } as const satisfies Partial<Record<ListenerName, Protocol>>;
/** Outcomes of the MX greeting check (mailroom_smtp_greeting_checks_total). */
export const GREETING_CHECK_RESULTS = ['passed', 'skipped', 'early_talker'] as const;
export type GreetingCheckResult = (typeof GREETING_CHECK_RESULTS)[number];
export const REJECTION_REASONS = [
  'unknown_user',
  'relay_denied',
  'bad_address',
  'too_big',
  'too_many_recipients',
  'auth_required',
  'sender_denied',
  'temporary',
  'early_talker',
  'mail_loop',
  'bad_parameter',
  'virus',
  'spam',
  'scanner_unavailable',
  'too_many_unknown_recipients',
  'auth_failures',
  'disk_full',
  'dmarc_reject',
  'auth_temperror',
  'rate_limited',
  'dnsbl',
  'greylisted',
  'over_quota',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
/** Connection limits that can bite (limit label of mailroom_connection_limit_hits_total). */
export const CONNECTION_LIMITS = [
  'sessions_per_ip',
  'unauthenticated_per_ip',
  'unauthenticated_evicted',
  'preauth_timeout',
  'line_timeout',
  'listener_full',
  // Limits on what one IMAP command may ask for (limits.imap_max_*, limits.max_keywords_*): the command is refused.
  'line_too_long',
  'literal_too_large',
  'command_too_large',
  'keywords_per_message',
  'keywords_per_mailbox',
  // An IMAP login beyond imap.max_sessions_per_user: refused, the session stays unauthenticated.
  'sessions_per_user',
] as const;
/** The limits a single IMAP command can hit. */
export type CommandLimit = Extract<ConnectionLimit, 'line_too_long' | 'literal_too_large' | 'command_too_large' | 'keywords_per_message' | 'keywords_per_mailbox' | 'sessions_per_user'>;
export type ConnectionLimit = (typeof CONNECTION_LIMITS)[number];
export const SCANNERS = ['clamd', 'spamd'] as const;
export type Scanner = (typeof SCANNERS)[number];
/** Where on the admin port a token was presented: the JSON API or the Prometheus scrape. */
export const ADMIN_ENDPOINTS = ['api', 'metrics'] as const;
export type AdminEndpoint = (typeof ADMIN_ENDPOINTS)[number];
export type VirusAction = 'reject' | 'delete' | 'quarantine';
export const SPAM_ACTIONS = ['tag', 'junk', 'reject', 'delete'] as const;
export type SpamDetectionAction = (typeof SPAM_ACTIONS)[number];

/**
 * Why a delivery attempt was deferred (mailroom_delivery_deferrals_total): dns (no MX or address could be
 * looked up), connection (refused, timed out, dropped), tls (the STARTTLS handshake failed), remote_4xx
 * (the receiver answered 4xx), local (local delivery could not file it now: over quota), internal (a
 * store error or a bug; the job was abandoned to its retry time).
 */
export const DEFERRAL_REASONS = ['dns', 'connection', 'tls', 'remote_4xx', 'local', 'internal'] as const;
export type DeferralReason = (typeof DEFERRAL_REASONS)[number];

export interface MailroomEvents {
  'message.accepted': [{ id: string; source: MessageSource; size: number; recipients: number }];
  'session.opened': [{ protocol: Protocol; id: string; remoteAddress: string }];
  'session.closed': [{ protocol: Protocol; id: string }];
  /** A session closed because its client stopped reading what the server sent (IMAP, POP3). */
  'session.not_reading': [{ protocol: Protocol; id: string }];
  'smtp.rejected': [{ protocol: Protocol; reason: RejectionReason }];
  /**
   * The MX greeting check: a client waited for the greeting (passed), was greeted at once because it
   * passed recently (skipped), or talked first (early_talker, also an smtp.rejected).
   */
  'smtp.greeting_check': [{ result: GreetingCheckResult }];
  'auth.failed': [{ protocol: Protocol; remoteAddress: string }];
  /** Probing for addresses (RCPT to too many unknown users in one session): auto-ban counts it like a failed login. */
  'smtp.harvesting': [{ protocol: Protocol; remoteAddress: string }];
  /** A connection limit refused, closed or evicted a client (admission.ts, line-connection.ts). */
  'limit.hit': [{ protocol: Protocol; limit: ConnectionLimit }];
  /** A command refused because the disk holding the store is full (store/disk-full.ts); SMTP also counts it as smtp.rejected. */
  'store.disk_full': [{ protocol: Protocol }];
  /** Open sessions closed because their address was just banned. */
  'sessions.closed_by_ban': [{ count: number }];
  /** A wrong bearer token on the admin port. Not an auth.failed: it does not count toward auto-ban (admin/README.md). */
  'admin.auth_failed': [{ endpoint: AdminEndpoint; remoteAddress: string }];
  /** A virus was found; emitted once per message whatever was then done with it. */
  'scan.virus': [{ action: VirusAction }];
  /** Spam was found (score from scan.spam_score); once per message, with what was done with it. */
  'scan.spam': [{ action: SpamDetectionAction }];
  /** A check did not answer (down, timed out, saturated): the message went unscanned or was temp-failed. */
  'scan.error': [{ scanner: Scanner }];
  'delivery.finished': [{ destination: Destination; result: 'delivered' | 'deferred' | 'bounced'; seconds: number; recipients: number }];
  /** One recipient's attempt deferred, with why. */
  'delivery.deferred': [{ destination: Destination; reason: DeferralReason }];
  /** One recipient reached its final outcome; seconds since the message was accepted. Once per recipient, never per attempt. */
  'delivery.final': [{ destination: Destination; result: 'delivered' | 'bounced'; seconds: number }];
  'server.started': [{ at: number }];
  'server.stopped': [{ at: number }];
}

export class EventBus extends EventEmitter<MailroomEvents> {}
