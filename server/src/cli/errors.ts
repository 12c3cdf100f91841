// A mistake on the command line (bad address, missing password): printed as one line, exit status 1,
// never a stack trace.
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
