// DKIM signing end to end (issue 18 item 1): keys made by `mailroom dkim generate`, mail submitted by a
// real client (nodemailer via sendMail) relayed to a real SMTP sink, and the signature checked by Debian's
// python3-dkim (dkimpy) against the very record the CLI printed, rsa and ed25519; a changed message fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

const run = promisify(execFile);
const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };
const ADMIN = 'dkim-test-admin-token-5e1c7a9b3d2f';
const VIEWER = 'dkim-test-viewer-token-8a4c2e6f1b3d';
// Debian's python3-dkim lives beside the system interpreter (a pyenv python3 first on PATH lacks it).
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** dkim.verify with its DNS lookup replaced by the one record the CLI printed. Prints True or False. */
const VERIFY = `
import os, sys, dkim
name, value = os.environ['RECORD_NAME'].encode(), os.environ['RECORD_VALUE'].encode()
def dnsfunc(qname, timeout=5):
    return value if qname.rstrip(b'.') == name.rstrip(b'.') else None
print(dkim.verify(sys.stdin.buffer.read(), dnsfunc=dnsfunc))
`;

async function dkimpyAvailable(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import dkim, nacl']);
    return true;
  } catch {
    return false;
  }
}

async function verify(content: string, record: { name: string; value: string }): Promise<boolean> {
  const child = execFile(PYTHON, ['-c', VERIFY], { env: { ...process.env, RECORD_NAME: record.name, RECORD_VALUE: record.value }, timeout: 30_000 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`dkimpy exited ${code}: ${err}`))));
  });
  child.stdin!.end(content);
  const answer = await output;
  if (answer !== 'True' && answer !== 'False') throw new Error(`dkimpy said ${answer}`);
  return answer === 'True';
}

/** The zone line `mailroom dkim generate` prints, back to a name and a value (quoted strings joined). */
function printedRecord(stdout: string): { name: string; value: string } {
  const line = stdout.split('\n').find((l) => l.includes('._domainkey.'));
  if (!line) throw new Error(`no DNS record in: ${stdout}`);
  const name = line.split(' ')[0]!;
  const value = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
  return { name, value };
}

let sink: SmtpSink;
let mr: MailroomProcess;
let available = false;

beforeAll(async () => {
  available = await dkimpyAvailable();
  if (!available) {
    if (process.env.CI === 'true') throw new Error('python3-dkim and python3-nacl are needed (scripts/install-system-deps.sh)');
    console.warn('SKIPPED: python3-dkim (with python3-nacl) is not installed');
    return;
  }
  sink = await SmtpSink.start();
  mr = await MailroomProcess.create({
    env: { MAILROOM_RELAY: `127.0.0.1:${sink.port}`, MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200', MAILROOM_ADMIN_TOKEN: ADMIN, MAILROOM_ADMIN_TOKENS: `grafana:viewer:${VIEWER}` },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await mr.start();
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
});

async function submitAndCatch(subject: string): Promise<string> {
  const to = ['friend@remote.test'];
  const result = await sendMail({
    port: mr.ports.submission,
    from: ALICE.user,
    to,
    auth: ALICE,
    content: message({ from: ALICE.user, to, subject, messageId: `${subject.replace(/\W+/g, '-')}@example.test`, body: 'This is the body.' }),
  });
  expect(result.response).toMatch(/^250 /);
  const [got] = await waitFor(
    () => sink.messagesWith(`Subject: ${subject}`),
    (m) => m.length === 1,
    15_000,
    'the sink to receive it',
  );
  return got!.content;
}

describe('DKIM signing of submitted mail', () => {
  it('signs with rsa-sha256 (2048 bits by default), relaxed/relaxed, verified by python3-dkim against the printed record', async () => {
    if (!available) return;
    const record = printedRecord(await mr.cli('dkim', 'generate', 'example.test', '--selector', 'rsa1'));
    expect(record.name).toBe('rsa1._domainkey.example.test.');
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{390,}$/); // a 2048-bit SPKI is 392 base64 characters
    const content = await submitAndCatch('signed with rsa');
    const signature = content.match(/^DKIM-Signature:.*(?:\r\n[ \t].*)*/m)?.[0] ?? '';
    expect(signature).toMatch(/a=rsa-sha256/);
    expect(signature).toMatch(/c=relaxed\/relaxed/);
    expect(signature).toMatch(/d=example\.test/);
    expect(signature).toMatch(/s=rsa1/);
    expect(await verify(content, record)).toBe(true);
    // The test can fail: a changed Subject no longer matches the signature.
    expect(await verify(content.replace('Subject: signed with rsa', 'Subject: signed with rsa!'), record)).toBe(false);
    // and a record with another key does not verify it either.
    const other = printedRecord(await mr.cli('dkim', 'generate', 'other.test', '--selector', 'rsa1', '--bits', '1024'));
    expect(await verify(content, { name: record.name, value: other.value })).toBe(false);
  }, 60_000);

  it('signs with ed25519-sha256 (RFC 8463) once a new ed25519 selector is generated, the rsa one staying listed', async () => {
    if (!available) return;
    const record = printedRecord(await mr.cli('dkim', 'generate', 'example.test', '--selector', 'ed1', '--algorithm', 'ed25519'));
    expect(record.value).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    const content = await submitAndCatch('signed with ed25519');
    expect(content).toMatch(/a=ed25519-sha256/);
    expect(content).toMatch(/s=ed1/);
    expect(await verify(content, record)).toBe(true);
    expect(await verify(content.replace('This is the body', 'This is the bodY'), record)).toBe(false);
    const listed = await mr.cli('dkim', 'list', 'example.test');
    expect(listed).toMatch(/example\.test\trsa1\trsa\tinactive/);
    expect(listed).toMatch(/example\.test\ted1\ted25519\tactive/);
    expect(listed).not.toMatch(/PRIVATE KEY/);
  }, 60_000);

  it('counts signatures in mailroom_dkim_signatures_total', async () => {
    if (!available) return;
    const metrics = await (await mr.admin('/metrics')).text();
    expect(metrics).toMatch(/^mailroom_dkim_signatures_total\{result="signed"\} 2$/m);
  });

  it('has admin API equivalents: list for viewers, generate and remove for admins, the record but never the private key', async () => {
    if (!available) return;
    const call = (path: string, token: string, method = 'GET', body?: unknown) =>
      mr.admin(path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await call('/api/v1/dkim-keys', VIEWER, 'POST', { domain: 'api.test' })).status).toBe(403);
    const created = await call('/api/v1/dkim-keys', ADMIN, 'POST', { domain: 'API.test', selector: 'k1', algorithm: 'ed25519' });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { domain: string; active: boolean; dnsRecord: { name: string; type: string; value: string } };
    expect(key).toMatchObject({ domain: 'api.test', active: true, dnsRecord: { name: 'k1._domainkey.api.test.', type: 'TXT' } });
    expect(key.dnsRecord.value).toMatch(/^v=DKIM1; k=ed25519; p=/);
    expect((await call('/api/v1/dkim-keys', ADMIN, 'POST', { domain: 'api.test', selector: 'k1' })).status).toBe(409);
    expect((await call('/api/v1/dkim-keys', ADMIN, 'POST', { domain: 'api.test', algorithm: 'dsa' })).status).toBe(422);
    expect((await call('/api/v1/dkim-keys', ADMIN, 'POST', { domain: 'api.test', bits: 512 })).status).toBe(422);
    const listed = await (await call('/api/v1/dkim-keys?domain=api.test', VIEWER)).text();
    expect(listed).toContain(key.dnsRecord.value);
    expect(listed).not.toMatch(/PRIVATE|privateKey/i);
    expect((await call('/api/v1/dkim-keys/api.test/k1', VIEWER, 'DELETE')).status).toBe(403);
    expect((await call('/api/v1/dkim-keys/api.test/k1', ADMIN, 'DELETE')).status).toBe(204);
    expect((await call('/api/v1/dkim-keys/api.test/k1', ADMIN, 'DELETE')).status).toBe(404);
    const audit = await (await call('/api/v1/audit?action=dkim_key.', ADMIN)).json();
    expect((audit as { items: Array<{ action: string }> }).items.map((i) => i.action)).toEqual(['dkim_key.delete', 'dkim_key.create']);
    expect(mr.output).not.toContain('PRIVATE KEY');
  }, 60_000);
});
