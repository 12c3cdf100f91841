// Mailbox address parsing for SMTP envelopes. Strict on purpose: anything unusual in a recipient is a
// way to trick a relay check (percent hack, bang paths, source routes, quoted @), so we never interpret
// it; an address either is plainly local-part@domain or is refused.

export interface ParsedAddress {
  local: string;
  domain: string; // lower case, no trailing dot
  /** local@domain with the domain normalised; the form we store and compare. */
  normalized: string;
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;
const QUOTED = /^"(?:[\x20\x21\x23-\x5B\x5D-\x7E\u0080-\uFFFF]|\\[\x20-\x7E])*"$/u;
const LABEL = /^(?!-)[A-Za-z0-9\u0080-\uFFFF-]{1,63}(?<!-)$/u;

export function parseAddress(input: string): ParsedAddress | null {
  if (input.length > 254 || /[\s<>\x00-\x1f\x7f]/.test(input)) return null;
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1) return null;
  const local = input.slice(0, at);
  let domain = input.slice(at + 1);
  if (local.length > 64) return null;
  if (!DOT_ATOM.test(local) && !QUOTED.test(local)) return null;
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain.startsWith('[')) return null; // address literals: not accepted for delivery
  const labels = domain.split('.');
  if (labels.length < 1 || !labels.every((l) => LABEL.test(l))) return null;
  domain = domain.toLowerCase();
  return { local, domain, normalized: `${local}@${domain}` };
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? '' : address.slice(at + 1)).toLowerCase().replace(/\.$/, '');
}
