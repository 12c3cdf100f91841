// What the server announces in CAPABILITY, the greeting and after login. Login methods depend on the
// connection: in the clear only on loopback (LOGINDISABLED elsewhere until STARTTLS, RFC 3501 6.2.3).

/** BINARY, MULTIAPPEND, LIST-EXTENDED, LIST-STATUS, CREATE-SPECIAL-USE, QUOTA (issue 16; docs/imap-conformance.md). */
const EXTENSIONS = ['BINARY', 'MULTIAPPEND', 'LIST-EXTENDED', 'LIST-STATUS', 'CREATE-SPECIAL-USE', 'STATUS=SIZE', 'QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE'];

export interface CapabilityContext {
  authenticated: boolean;
  secure: boolean;
  plaintextAllowed: boolean;
  appendMaxBytes: number;
}

// IMAP4rev2 (RFC 9051) beside IMAP4rev1: a client that ENABLEs it gets rev2's behaviour (commands/context.ts);
// SEARCHRES (RFC 5182), part of rev2, is offered to both.
const ALWAYS = [
  'IMAP4rev1',
  'IMAP4rev2',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'SPECIAL-USE',
  'CHILDREN',
  'UNSELECT',
  'ESEARCH',
  'SEARCHRES',
  'UTF8=ACCEPT',
  'SORT',
  'ESORT',
  'THREAD=ORDEREDSUBJECT',
  'THREAD=REFERENCES',
  'CONDSTORE',
  'QRESYNC',
];

export function capabilities(ctx: CapabilityContext): string[] {
  const caps = [...ALWAYS, ...EXTENSIONS, `APPENDLIMIT=${ctx.appendMaxBytes}`];
  if (!ctx.authenticated) {
    if (!ctx.secure) caps.push('STARTTLS');
    caps.push(ctx.plaintextAllowed ? 'AUTH=PLAIN' : 'LOGINDISABLED');
  }
  return caps;
}
