import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { MAX_HTML_CHARS, MAX_MIME_PARTS, ViewTooComplexError, parsedView } from './message-view.ts';
import { parsedViewInWorker } from './message-view-thread.ts';

/** A message whose body is `depth` multiparts, each inside the one before. */
function nested(depth: number): Buffer {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    close = `\r\n--b${i}--\r\n${close}`;
  }
  return Buffer.from(`From: a@remote.test\r\nSubject: deep\r\n${open}Content-Type: text/plain\r\n\r\nhello${close}`);
}

const html = (body: string) => Buffer.from(`From: a@remote.test\r\nSubject: html\r\nContent-Type: text/html\r\n\r\n${body}\r\n`);

describe('parsed message view', () => {
  it('shows sanitised HTML in full when it is short', async () => {
    const view = await parsedView(html('<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'));
    expect(view).toMatchObject({ subject: 'html', htmlTruncated: false });
    expect(view.html!.trim()).toBe('<p>Hi <b>there</b></p>');
  });

  it('sanitises only the beginning of very long HTML, and says so', async () => {
    const view = await parsedView(html(`<p>${'x'.repeat(MAX_HTML_CHARS)}TAIL</p>`));
    expect(view.htmlTruncated).toBe(true);
    expect(view.html!.startsWith('<p>xxx')).toBe(true);
    expect(view.html).not.toContain('TAIL');
  });

  it(`parses nested MIME up to ${MAX_MIME_PARTS} parts and refuses more`, async () => {
    expect((await parsedView(nested(50))).text).toBe('hello');
    await expect(parsedView(nested(MAX_MIME_PARTS + 10))).rejects.toBeInstanceOf(ViewTooComplexError);
  });

  it('is made in a worker thread; too many parts become 422 too_complex', async () => {
    expect((await parsedViewInWorker(nested(3))).text).toBe('hello');
    const err = await parsedViewInWorker(nested(MAX_MIME_PARTS + 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'too_complex' });
  });
});
