// IMAP limits. Constants for now; they become settings when an operator needs to change them. The
// APPEND limit is smtp.max_message_size_bytes: a message the server would accept by SMTP can be saved.

/** RFC 3501 section 5.4: the autologout timer must be at least 30 minutes. */
export const IMAP_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** One line of a command (literals not counted); RFC 7162 3.2.5 asks servers to take at least 8192. */
export const COMMAND_LINE_MAX_BYTES = 64 * 1024;
/** A literal outside APPEND: a name, a password, a search string. */
export const LITERAL_MAX_BYTES = 64 * 1024;
/** A whole command outside APPEND, literals included. */
export const COMMAND_MAX_BYTES = 1024 * 1024;
/** An AUTHENTICATE response line. */
export const AUTH_LINE_MAX_BYTES = 8192;
/** Input buffered ahead of the command being handled (pipelining) before the socket is paused. */
export const INPUT_BUFFER_MAX_BYTES = 256 * 1024;
/** How often the counters of every mailbox some session idles on are read (one query for all). */
export const IDLE_POLL_INTERVAL_MS = 250;
/** Consecutive commands answered BAD before the session is closed. */
export const MAX_BAD_COMMANDS = 20;
/** Concurrent IMAP connections; more are refused. */
export const MAX_CONNECTIONS = 1000;
/**
 * Distinct keywords in one mailbox, as the session that stores them knows the mailbox: a STORE that
 * would go beyond gets NO [LIMIT]. Bounds the FLAGS response; per message the store caps at
 * MAX_KEYWORDS_PER_MESSAGE.
 */
export const MAX_KEYWORDS_PER_MAILBOX = 1000;
