// The database could not be reached when the store opened (refused, timed out, no such host). The CLI
// prints its message as one line and exits with EX_UNAVAILABLE, so a service manager retries later; a
// wrong password or a missing database is a ConfigError instead (the fix is in the configuration).
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}
