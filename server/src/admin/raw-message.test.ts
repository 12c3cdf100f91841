import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRawMessage } from './raw-message.ts';

// Looks like a web page to a sniffing browser; must still arrive as a mail message, byte for byte.
const HTML_LOOKING = Buffer.from('<html><script>alert(1)</script>\r\nSubject: not really\r\n\r\n\xff\xfe body\r\n', 'latin1');
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = new Koa();
  app.use((ctx) => sendRawMessage(ctx, HTML_LOOKING, ctx.path === '/attachment' ? 'attachment' : 'inline'));
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('sendRawMessage', () => {
  it('sends exactly message/rfc822, never to be sniffed or run, with the bytes unchanged', async () => {
    const res = await fetch(`${base}/inline`);
    expect(res.headers.get('content-type')).toBe('message/rfc822');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(res.headers.get('content-length')).toBe(String(HTML_LOOKING.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(HTML_LOOKING)).toBe(true);
  });

  it('can ask for a download instead', async () => {
    const res = await fetch(`${base}/attachment`);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await res.arrayBuffer();
  });
});
