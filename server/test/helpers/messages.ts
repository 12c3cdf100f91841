// Test messages with the structures IMAP clients care about, built with CRLF line ends.

const crlf = (lines: string[]) => lines.join('\r\n');

/** multipart/mixed: a quoted-printable UTF-8 text part and a base64 PDF attachment; encoded-word headers. */
export const PDF_BASE64 = 'JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK';
export const TEXT_PART_BODY = 'Hallo, der Bericht =C3=BCber Gr=C3=BC=C3=9Fe.\r\nZweite Zeile.';
export const SUBJECT_ENCODED = '=?UTF-8?B?UmVwb3J0IMO8YmVyIEdyw7zDn2U=?=';
export const FROM_NAME_ENCODED = '=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=';

export const multipartReport = (messageId = 'report-1@remote.test') =>
  crlf([
    `From: ${FROM_NAME_ENCODED} <juergen@remote.test>`,
    'To: "Alice Example" <alice@example.test>, bob@example.test',
    'Cc: undisclosed-recipients:;',
    `Subject: ${SUBJECT_ENCODED}`,
    'Date: Mon, 2 Mar 2026 10:00:00 +0100',
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    'This is a multi-part message in MIME format.',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    TEXT_PART_BODY,
    '--b1',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    PDF_BASE64,
    '--b1--',
    '',
  ]);

export const plain = (subject: string, body = 'Hello.', from = 'someone@remote.test') =>
  crlf([`From: ${from}`, 'To: alice@example.test', `Subject: ${subject}`, 'Date: Tue, 3 Mar 2026 09:00:00 +0000', '', body, '']);
