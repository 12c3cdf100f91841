// A stored message as an HTTP body, for the raw content routes (queue, quarantine). The content type is
// exactly message/rfc822 (no charset: the bytes are whatever the sender sent) and browsers are told not
// to sniff it: a message that looks like HTML must never be rendered as a page of the admin origin.
// The store hands content over whole (an SQLite blob); Node writes that one Buffer with its own
// back-pressure and keeps no copy, so a slow reader holds one message and nothing more.
import type { Context } from 'koa';

export function sendRawMessage(ctx: Context, content: Buffer, disposition: 'inline' | 'attachment'): void {
  ctx.type = 'message/rfc822';
  ctx.set('X-Content-Type-Options', 'nosniff');
  // Even opened as a document, it may run nothing and load nothing.
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Content-Disposition', disposition);
  ctx.body = content;
}
