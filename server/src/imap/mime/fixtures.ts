// Messages for the MIME unit tests, with CRLF line ends.
export const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

/** multipart/mixed > (multipart/alternative > text/plain, text/html), message/rfc822 > text/plain. */
export const nested = crlf(
  'From: a@example.test',
  'Subject: nested',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'plain text',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>html</p>',
  '--inner--',
  '',
  '--outer',
  'Content-Type: message/rfc822',
  'Content-Description: forwarded',
  '',
  'From: b@example.test',
  'Subject: inner message',
  '',
  'inner body',
  'second line',
  '--outer--',
  '',
);
