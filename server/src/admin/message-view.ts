// A queued message made safe to show in a browser: headers, plain text, sanitised HTML (no scripts,
// no remote content, no event handlers) and the list of attachments without their bodies.
import { simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

export interface ParsedView {
  headers: Array<{ name: string; value: string }>;
  subject: string | null;
  from: string | null;
  to: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
}

export async function parsedView(raw: Buffer): Promise<ParsedView> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const headers = mail.headerLines.map((h) => {
    const colon = h.line.indexOf(':');
    return { name: colon > 0 ? h.line.slice(0, colon) : h.key, value: colon > 0 ? h.line.slice(colon + 1).trim() : h.line };
  });
  const addressText = (a: typeof mail.to) => (a ? (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text) : null);
  return {
    headers,
    subject: mail.subject ?? null,
    from: addressText(mail.from),
    to: addressText(mail.to),
    date: mail.date ? mail.date.toISOString() : null,
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? sanitizeHtml(mail.html, { allowedSchemes: ['mailto'], allowedSchemesByTag: {}, allowedAttributes: { a: ['href'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] } }) : null,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}
