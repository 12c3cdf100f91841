// Typed events that protocol and delivery code emit. Metrics, counters and the live log are derived
// from these in one place each, so protocol code never touches prom-client directly.
import { EventEmitter } from 'node:events';
import type { Destination, MessageSource } from '../store/types.ts';

export type Protocol = 'smtp' | 'submission' | 'pop3' | 'imap';
export type RejectionReason =
  | 'unknown_user' | 'relay_denied' | 'bad_address' | 'too_big' | 'too_many_recipients' | 'auth_required'
  | 'sender_denied' | 'temporary' | 'early_talker' | 'mail_loop' | 'bad_parameter' | 'virus' | 'spam' | 'scanner_unavailable';
export type Scanner = 'clamd' | 'spamd';
/** Where on the admin port a token was presented: the JSON API or the Prometheus scrape. */
export type AdminEndpoint = 'api' | 'metrics';
export type VirusAction = 'reject' | 'delete' | 'quarantine';
export type SpamDetectionAction = 'tag' | 'junk' | 'reject' | 'delete';

export interface MailroomEvents {
  'message.accepted': [{ id: string; source: MessageSource; size: number; recipients: number }];
  'session.opened': [{ protocol: Protocol; id: string; remoteAddress: string }];
  'session.closed': [{ protocol: Protocol; id: string }];
  /** A session closed because its client stopped reading what the server sent (IMAP, POP3). */
  'session.not_reading': [{ protocol: Protocol; id: string }];
  'smtp.rejected': [{ protocol: Protocol; reason: RejectionReason }];
  'auth.failed': [{ protocol: Protocol; remoteAddress: string }];
  /** A wrong bearer token on the admin port. Not an auth.failed: it does not count toward auto-ban (admin/README.md). */
  'admin.auth_failed': [{ endpoint: AdminEndpoint; remoteAddress: string }];
  /** A virus was found; emitted once per message whatever was then done with it. */
  'scan.virus': [{ action: VirusAction }];
  /** Spam was found (score from scan.spam_score); once per message, with what was done with it. */
  'scan.spam': [{ action: SpamDetectionAction }];
  /** A check did not answer (down, timed out, saturated): the message went unscanned or was temp-failed. */
  'scan.error': [{ scanner: Scanner }];
  'delivery.finished': [{ destination: Destination; result: 'delivered' | 'deferred' | 'bounced'; seconds: number; recipients: number }];
  'server.started': [{ at: number }];
  'server.stopped': [{ at: number }];
}

export class EventBus extends EventEmitter<MailroomEvents> {}
