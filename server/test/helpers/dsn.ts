// Reads a delivery status notification (RFC 3464) the way a mail client would: mailparser for the
// message and for each MIME part, then the delivery-status fields as RFC 3464 groups them (one group
// for the message, one per recipient, separated by blank lines).
import { simpleParser, type HeaderValue } from 'mailparser';

export interface ParsedDsn {
  contentType: string;
  reportType: string | undefined;
  subject: string | undefined;
  to: string | undefined;
  autoSubmitted: string | undefined;
  parts: Array<{ contentType: string; body: string }>;
  perMessage: Record<string, string>;
  recipients: Array<Record<string, string>>;
  returnedHeaders: string;
}

const contentTypeOf = (v: HeaderValue | undefined) => (typeof v === 'object' && v !== null && 'value' in v ? String(v.value) : String(v ?? ''));

export async function parseDsn(raw: string | Buffer): Promise<ParsedDsn> {
  const top = await simpleParser(raw);
  const ct = top.headers.get('content-type') as { value: string; params: Record<string, string> };
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  const boundary = ct.params.boundary;
  const parts: ParsedDsn['parts'] = [];
  if (boundary) {
    const sections = text.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const part = await simpleParser(section.replace(/^\r\n/, ''));
      const headerEnd = section.indexOf('\r\n\r\n');
      parts.push({ contentType: contentTypeOf(part.headers.get('content-type')), body: section.slice(headerEnd + 4).replace(/\r\n$/, '') });
    }
  }
  const status = parts.find((p) => p.contentType === 'message/delivery-status')?.body ?? '';
  const groups = status
    .split(/\r\n\r\n+/)
    .filter((g) => g.trim() !== '')
    .map(fields);
  return {
    contentType: ct.value,
    reportType: ct.params['report-type'],
    subject: top.subject,
    to: top.to && !Array.isArray(top.to) ? top.to.text : undefined,
    autoSubmitted: top.headers.get('auto-submitted') as string | undefined,
    parts,
    perMessage: groups[0] ?? {},
    recipients: groups.slice(1),
    returnedHeaders: parts.find((p) => p.contentType === 'text/rfc822-headers')?.body ?? '',
  };
}

function fields(group: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Unfold continuation lines, then split "Name: value".
  for (const line of group.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}
