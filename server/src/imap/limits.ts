// IMAP limits that stay constants. Those an operator may need to change are limits.* settings
// (limits.imap_max_line_bytes, limits.imap_max_literal_bytes, limits.imap_max_command_bytes,
// limits.max_keywords_per_mailbox, limits.max_connections_per_listener, imap.idle_timeout_seconds,
// imap.max_sessions_per_user); the constants below for them are the
// defaults of code that runs without a configuration (the command reader's unit tests). The APPEND limit
// is smtp.max_message_size_bytes: a message the server would accept by SMTP can be saved.

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
