// The admin API's parsed message view (admin/message-view.ts: mailparser and sanitize-html) on
// message-shaped bytes. Being bounded by another change; a failure here is reported, not fixed here.
import fc from 'fast-check';
import { parsedView } from '../../src/admin/message-view.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';
import { MIME_DICTIONARY } from './imap-mime.ts';

const HTML = ['Content-Type: text/html', '<script>alert(1)</script>', '<a href="javascript:x">', '<img src=http://x onerror=y>', '<td colspan=2>', '<!--', '<![CDATA[', '&#x', '<style>'];

export const messageViewTarget: FuzzTarget = {
  name: 'admin/message-view',
  checks: 'parsedView resolves for any message and its HTML never keeps a script, an event handler or a javascript: link',
  testRuns: 60,
  property: fc.asyncProperty(tokens([...MIME_DICTIONARY, ...HTML], 50).map(toBuffer), async (raw) => {
    const view = await parsedView(raw);
    if (view.html !== null && /<script|\son\w+=|javascript:/i.test(view.html)) throw new Error(`unsafe HTML kept: ${view.html}`);
    return true;
  }),
};
