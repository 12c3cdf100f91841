// Message history (the trace): what happened to a message from acceptance to its last recipient's final
// outcome, kept for delivery.history_days after it left the queue. The acceptance row is written in the
// transaction that accepts the message, each attempt in the transaction that records its outcome (so an
// outcome is never kept without its history, nor its history twice), and the time the message left the
// queue by a trigger on the queue's message row, whichever path removed it (finished, bounced, removed by
// an operator). Both back ends implement the reads and the pruning; the writes are their own helpers
// (sqlite/history.ts, postgres/history.ts), called inside the queue's transactions.

/** Attempts kept per message; the rest are counted (MessageHistory.omittedAttempts), not kept. */
export const MAX_HISTORY_ATTEMPTS_PER_MESSAGE = 100;

/** What the server knows at acceptance besides the envelope (all optional: older callers, tests). */
export interface AcceptanceTrace {
  /** The node that accepted it (cluster.node_name). */
  node?: string | undefined;
  /** The TLS version of the client's connection ('TLSv1.3'), absent for plain text. */
  tls?: string | undefined;
  /** The content scan's verdicts in a few words ('virus: clean; spam: 1.2 of 5.0'), absent when not scanned. */
  scan?: string | undefined;
  /** The Message-ID header's value, without angle brackets. */
  messageIdHeader?: string | undefined;
}

/** One delivery attempt for one recipient (or the final word of a local filing or an operator's bounce). */
export interface AttemptDetail {
  /** The host tried last ('mx.example.net'); 'local' for local delivery. */
  mxHost?: string | undefined;
  mxIp?: string | undefined;
  /** The negotiated TLS version on the outbound connection; absent for plain text. */
  tls?: string | undefined;
  replyCode?: number | undefined;
  replyText?: string | undefined;
  durationMs?: number | undefined;
}

export interface HistoryAttempt extends AttemptDetail {
  recipient: string;
  at: number;
  result: 'delivered' | 'deferred' | 'bounced';
}

export interface HistorySummary {
  /** The queue id. */
  id: string;
  messageIdHeader: string | null;
  sender: string;
  recipients: string[];
  size: number;
  source: string;
  acceptedAt: number;
  /** When the message left the queue; null while it is still queued. */
  finishedAt: number | null;
}

export interface MessageHistory extends HistorySummary {
  node: string | null;
  clientAddress: string | null;
  tls: string | null;
  scan: string | null;
  attempts: HistoryAttempt[];
  /** Attempts beyond MAX_HISTORY_ATTEMPTS_PER_MESSAGE, counted and not kept. */
  omittedAttempts: number;
}

export interface HistorySearch {
  /** Substring (case-insensitive) of the queue id, the Message-ID, the sender or a recipient. */
  search?: string | undefined;
  /** Accepted at or after (ms since epoch). */
  from?: number | undefined;
  /** Accepted before (ms since epoch). */
  to?: number | undefined;
  offset: number;
  limit: number;
}

export interface MessageHistoryStore {
  /** Newest first. */
  searchHistory(request: HistorySearch): Promise<{ total: number; items: HistorySummary[] }>;
  getHistory(id: string): Promise<MessageHistory | null>;
  /** Deletes the history of messages that left the queue before `finishedBefore`; returns how many. */
  pruneHistory(finishedBefore: number): Promise<number>;
}

/** The LIKE pattern for a substring search, with the pattern characters escaped (ESCAPE '\'). */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Separates the recipients in the stored list (never part of an address). */
export const RECIPIENT_SEPARATOR = '\n';

/** The reply code at the start of an SMTP reply text, if it has one. */
export function replyCodeOf(text: string | undefined): number | undefined {
  const m = text ? /(?:^|said: )([2-5]\d\d)[ -]/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}
