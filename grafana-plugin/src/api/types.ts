// The shapes the Mailroom admin API answers with (server/src/admin/routes/*.ts and openapi.ts).

export interface DatabaseInfo {
  driver: string;
  version: string;
  location: string;
}

export interface ListenerInfo {
  protocol: string;
  address: string;
  port: number;
  tls: string;
}

export interface ServerInfo {
  running: boolean;
  version: string;
  hostname: string;
  startedAt: string | null;
  uptimeSeconds: number | null;
  serviceStartedAt: string;
  database: DatabaseInfo;
  listeners: ListenerInfo[];
  /** Present once virus/spam scanners report their state; see services/scanners.ts for the shapes read. */
  scanners?: unknown;
}

export interface StatusInfo {
  running: boolean;
  startedAt: string | null;
  processedMessages: number;
  virusesDetected: number;
  spamDetected: number;
  sessions: Record<string, number>;
  scanners?: unknown;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Warning {
  id: string;
  severity: Severity;
  message: string;
  remedy: string;
}

export interface WarningList {
  checkedAt: string | null;
  count: number;
  items: Warning[];
}

export type QueueState = 'queued' | 'deferred' | 'held' | 'in_flight';
export type QueueSort = 'created' | '-created' | 'next_attempt' | '-next_attempt' | 'size' | '-size' | 'attempts' | '-attempts';

export interface QueueRecipient {
  address: string;
  destination: string;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
}

export interface QueueItem {
  id: string;
  from: string;
  to: string[];
  size: number;
  createdAt: string;
  source: string;
  state: QueueState | string;
  held: boolean;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  recipients: QueueRecipient[];
}

export interface QueuePage {
  total: number;
  offset: number;
  limit: number;
  items: QueueItem[];
}

export interface QueueFilter {
  search?: string;
  state?: QueueState;
}

export interface QueueListQuery extends QueueFilter {
  offset: number;
  limit: number;
  sort: QueueSort;
}

export type QueueAction = 'send-now' | 'hold' | 'release' | 'bounce';

export interface ParsedMessage {
  headers: Array<{ name: string; value: string }>;
  subject: string | null;
  from: string | null;
  to: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
}

export const LOG_CATEGORIES = ['smtp', 'submission', 'pop3', 'imap', 'tcpip', 'delivery', 'application', 'debug'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export interface LoggingSettings {
  categories: Record<LogCategory, boolean>;
}
