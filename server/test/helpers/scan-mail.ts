// What the scanning tests share: a real Mailroom process pointed at the test's clamd and spamd, a real
// SMTP client (Python's smtplib) that reports the final reply however it ends, and readers for the admin
// API, the counters on /metrics and the detection log lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailroomProcess } from './mailroom.ts';
import { python } from './python.ts';

export const ADMIN_TOKEN = 'scan-test-admin-token-5d1c8b3e7f';

/** A server with example.test, alice@ and bob@ (password "<name>-secret"), and an admin token. */
export async function scanServer(env: Record<string, string>): Promise<MailroomProcess> {
  const mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: ADMIN_TOKEN, MAILROOM_IMAP_PORT: 'off', MAILROOM_POP3_PORT: 'off', ...env } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
  await mr.cli('account', 'add', 'bob@example.test', '--password', 'bob-secret');
  await mr.start();
  return mr;
}

export async function api<T = unknown>(mr: MailroomProcess, pathname: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await mr.admin(pathname, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // raw content
  }
  return { status: res.status, body: body as T };
}

/** One sample from /metrics, e.g. metric(mr, 'mailroom_spam_detected_total', { action: 'junk' }); 0 when absent. */
export async function metric(mr: MailroomProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await mr.admin('/metrics')).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.indexOf('}')) : '';
    if (want.every((w) => labelPart.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

export interface SmtpOutcome {
  /** The reply to the end of DATA (or to the command that failed first). */
  code: number;
  message: string;
  /** Seconds from connect to that reply. */
  seconds: number;
}

/**
 * Sends one message with smtplib and returns the final reply, refused or not. With `login`, uses the
 * submission port: STARTTLS, then AUTH.
 */
export async function smtpSend(o: { port: number; from: string; to: string; content: Buffer; login?: { user: string; pass: string } }): Promise<SmtpOutcome> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-scan-msg-')), 'message.eml');
  fs.writeFileSync(file, o.content);
  try {
    const out = await python(
      `
import smtplib, ssl, os, json, time
msg = open(os.environ['MSG_FILE'], 'rb').read()
started = time.monotonic()
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=120)
s.ehlo('client.test')
if os.environ.get('LOGIN_USER'):
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s.starttls(context=ctx)
    s.ehlo('client.test')
    s.login(os.environ['LOGIN_USER'], os.environ['LOGIN_PASS'])
def done(code, resp):
    print(json.dumps({'code': code, 'message': resp.decode() if isinstance(resp, bytes) else str(resp), 'seconds': time.monotonic() - started}))
code, resp = s.mail(os.environ['FROM'])
if code != 250:
    done(code, resp)
else:
    code, resp = s.rcpt(os.environ['TO'])
    if code != 250:
        done(code, resp)
    else:
        try:
            code, resp = s.data(msg)
            done(code, resp)
        except smtplib.SMTPDataError as e:
            done(e.smtp_code, e.smtp_error)
try:
    s.quit()
except Exception:
    pass
`,
      { MSG_FILE: file, PORT: String(o.port), FROM: o.from, TO: o.to, LOGIN_USER: o.login?.user ?? '', LOGIN_PASS: o.login?.pass ?? '' },
    );
    return JSON.parse(out.trim().split('\n').pop()!) as SmtpOutcome;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The JSON log lines the server wrote so far that contain `text`. */
export function logLines(mr: MailroomProcess, text: string): Array<Record<string, unknown>> {
  return mr.output
    .split('\n')
    .filter((l) => l.includes(text))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** A clean multipart message with an innocent attachment, shaped like eicarMail(). */
export function cleanAttachmentMail(): Buffer {
  return Buffer.from(
    [
      'From: sender@remote.test',
      'To: alice@example.test',
      'Subject: the clean report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See attached.',
      '--b1',
      'Content-Type: application/octet-stream; name="report.txt"',
      'Content-Disposition: attachment; filename="report.txt"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('quarterly figures, nothing to see').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}
