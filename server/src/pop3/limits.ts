// POP3 limits that stay constants (the listener's connection cap is limits.max_connections_per_listener).

/** RFC 1939 section 3: an inactivity autologout timer must be at least 10 minutes. */
export const POP3_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** RFC 2449 section 4: command lines are at most 255 octets (we do not count the CRLF). */
export const COMMAND_LINE_MAX_BYTES = 255;
/** A SASL response line (base64 of user and password) may be longer than a command. */
export const SASL_LINE_MAX_BYTES = 8192;
/** Input buffered ahead of the command being handled (pipelining) before the socket is paused. */
export const INPUT_BUFFER_MAX_BYTES = 64 * 1024;
/** Unknown, malformed or out-of-state commands in one session before it is closed. */
export const MAX_BAD_COMMANDS = 10;
