// A queued message made safe to show in a browser: headers, plain text, sanitised HTML (no scripts,
// no remote content, no event handlers) and the list of attachments without their bodies.
// The sender chose the message, so the work is bounded: at most MAX_MIME_PARTS parts (more is
// ViewTooComplexError) and at most MAX_HTML_CHARS of HTML sanitised (the rest is cut
// off and htmlTruncated says so: sanitize-html is quadratic in nesting depth, 500 KB of unclosed
// <div> took 3.4 s). It runs in a worker thread anyway (message-view-thread.ts).
import { simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import type { ParsedMessageJson } from './response-schemas.ts';

/** MIME parts at any depth; a message with more is not parsed (real mail has a handful, a digest dozens). */
export const MAX_MIME_PARTS = 500;
/** HTML beyond this many characters is not sanitised or shown. */
export const MAX_HTML_CHARS = 128 * 1024;

/** The document's ParsedMessage (response-schemas.ts) must hold every ParsedView. */
export interface ParsedView extends ParsedMessageJson {
  headers: Array<{ name: string; value: string }>;
  subject: string | null;
  from: string | null;
  to: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
  /** The HTML was longer than MAX_HTML_CHARS; only its beginning is in html. */
  htmlTruncated: boolean;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
}

export class ViewTooComplexError extends Error {}

async function parse(raw: Buffer) {
  try {
    // maxChildNodes goes through to mailsplit, which counts every part at every depth.
    return await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, maxChildNodes: MAX_MIME_PARTS } as Parameters<typeof simpleParser>[1]);
  } catch (err) {
    // mailsplit's words for a message over its part limit.
    if (/child nodes exceeded/i.test((err as Error).message)) throw new ViewTooComplexError(`the message has more than ${MAX_MIME_PARTS} MIME parts`);
    throw err;
  }
}

const sanitize = (html: string) =>
  sanitizeHtml(html, { allowedSchemes: ['mailto'], allowedSchemesByTag: {}, allowedAttributes: { a: ['href'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] } });

export async function parsedView(raw: Buffer): Promise<ParsedView> {
  const mail = await parse(raw);
  const headers = mail.headerLines.map((h) => {
    const colon = h.line.indexOf(':');
    return { name: colon > 0 ? h.line.slice(0, colon) : h.key, value: colon > 0 ? h.line.slice(colon + 1).trim() : h.line };
  });
  const addressText = (a: typeof mail.to) => (a ? (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text) : null);
  const html = typeof mail.html === 'string' ? mail.html : null;
  return {
    headers,
    subject: mail.subject ?? null,
    from: addressText(mail.from),
    to: addressText(mail.to),
    date: mail.date ? mail.date.toISOString() : null,
    text: mail.text ?? null,
    html: html === null ? null : sanitize(html.slice(0, MAX_HTML_CHARS)),
    htmlTruncated: html !== null && html.length > MAX_HTML_CHARS,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}
