// The error every store implementation throws for a directory change it refuses: the admin API turns the
// code into 404, 409 or 422, the CLI into a one-line message.
export class StoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
