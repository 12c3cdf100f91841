// A backup, restore, export or import that cannot go ahead (a PostgreSQL database, a file that is not a
// Mailroom database, a data directory that is not empty): one line for the operator, never a stack trace.
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}
