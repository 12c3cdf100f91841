// MAIL FROM and RCPT TO parameters we do not advertise get 555 (RFC 5321 section 4.1.1.11). smtp-server
// validates the ones it knows and passes any other through silently, which would let a client believe
// that, say, a DSN request was honoured.

/** SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), AUTH (RFC 4954 section 5). */
export const MAIL_PARAMETERS: ReadonlySet<string> = new Set(['SIZE', 'BODY', 'SMTPUTF8', 'AUTH']);
/** DSN (NOTIFY, ORCPT) is not advertised, so RCPT takes no parameters. */
export const RCPT_PARAMETERS: ReadonlySet<string> = new Set();

/** The first parameter name not in `allowed`, or null. */
export function unsupportedParameter(args: unknown, allowed: ReadonlySet<string>): string | null {
  if (!args || typeof args !== 'object') return null;
  for (const name of Object.keys(args)) {
    if (!allowed.has(name.toUpperCase())) return name.toUpperCase();
  }
  return null;
}
