// What the server announces in CAPABILITY, the greeting and after login. Login methods depend on the
// connection: in the clear only on loopback (LOGINDISABLED elsewhere until STARTTLS, RFC 3501 6.2.3).

export interface CapabilityContext {
  authenticated: boolean;
  secure: boolean;
  plaintextAllowed: boolean;
  appendMaxBytes: number;
}

const ALWAYS = [
  'IMAP4rev1',
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
  'SORT',
  'THREAD=ORDEREDSUBJECT',
  'THREAD=REFERENCES',
  'CONDSTORE',
  'QRESYNC',
];

export function capabilities(ctx: CapabilityContext): string[] {
  const caps = [...ALWAYS, `APPENDLIMIT=${ctx.appendMaxBytes}`];
  if (!ctx.authenticated) {
    if (!ctx.secure) caps.push('STARTTLS');
    caps.push(ctx.plaintextAllowed ? 'AUTH=PLAIN' : 'LOGINDISABLED');
  }
  return caps;
}
