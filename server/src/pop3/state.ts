// The three states of a POP3 session (RFC 1939 section 3).
export enum Pop3State {
  /** Before a successful login: USER, PASS, AUTH, STLS, CAPA, QUIT. */
  Authorization = 'AUTHORIZATION',
  /** Logged in with the maildrop locked: the message commands. */
  Transaction = 'TRANSACTION',
  /** After QUIT in Transaction: deletions are applied, then the connection closes. */
  Update = 'UPDATE',
}
