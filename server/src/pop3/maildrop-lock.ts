// One POP3 session per maildrop (RFC 1939 section 8: the server locks the maildrop after login).
// In process: Mailroom runs one server process per database.
export class MaildropLocks {
  private readonly held = new Set<number>();

  tryLock(accountId: number): boolean {
    if (this.held.has(accountId)) return false;
    this.held.add(accountId);
    return true;
  }

  unlock(accountId: number): void {
    this.held.delete(accountId);
  }
}
