// Limits of the external POP3 fetcher. Constants for now; they become settings when an operator needs them.

/** Longest silence from a remote server (connect, TLS handshake, any reply) before a run gives up. */
export const FETCH_TIMEOUT_MS = 60_000;
/** External accounts fetched at the same time; the rest wait for their turn. */
export const MAX_CONCURRENT_FETCHES = 4;
/** How often the fetcher looks for accounts that are due (it reads the store, so CLI changes count too). */
export const SCHEDULER_TICK_MS = 1_000;
