// `mailroom serve` with bad settings: it must not start, must exit 78 (EX_CONFIG) and must say which key
// is wrong and what the bad value was. Also: a nested YAML file works and the environment overrides it.
// Each kind's full range of refusals is unit-tested in src/config; these prove the whole path to the exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyZoneDns } from './helpers/dns-server.ts';
import { BIN } from './helpers/mailroom.ts';
import { freePort, waitForPort } from './helpers/ports.ts';
import { SmtpDialogue } from './helpers/smtp-dialogue.ts';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-config-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Environment without any MAILROOM_* of the caller, with a private data dir and free ports. */
async function baseEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MAILROOM_') && v !== undefined) env[k] = v;
  return {
    ...env,
    MAILROOM_DATA_DIR: fs.mkdtempSync(path.join(dir, 'data-')),
    MAILROOM_SMTP_PORT: String(await freePort()),
    MAILROOM_SUBMISSION_PORT: String(await freePort()),
    MAILROOM_ADMIN_PORT: String(await freePort()),
    MAILROOM_POP3_PORT: 'off',
    MAILROOM_IMAP_PORT: 'off',
    MAILROOM_DNS_SERVERS: (await emptyZoneDns()).address,
    ...extra,
  };
}

/** Runs `mailroom serve`; a run that is still going after the timeout is stopped and reported as started. */
function serve(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stderr: string; started: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stderr, started: signal === 'SIGKILL' });
    });
  });
}

function yamlFile(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('bad settings stop `mailroom serve` with exit status 78 and a message naming key and value', () => {
  const observed: string[] = [];
  afterAll(() => console.info(`config errors observed:\n${observed.join('\n')}`));

  it.each([
    ['port that is not a number', { MAILROOM_SMTP_PORT: 'abc' }, ['smtp.port', 'MAILROOM_SMTP_PORT', '"abc"', 'expected a port number']],
    ['negative count', { MAILROOM_DELIVERY_CONCURRENCY: '-1' }, ['delivery.concurrency', '"-1"', 'above 0']],
    ['bad CIDR prefix', { MAILROOM_TRUSTED_NETWORKS: '10.0.0.0/8,10.0.0.0/33' }, ['trusted_networks', '10.0.0.0/33', 'longer than 32 bits']],
    ['CIDR that ipaddr.js would misread', { MAILROOM_TRUSTED_NETWORKS: '10/8' }, ['trusted_networks', '"10/8"', 'not an IPv4 or IPv6 address']],
    ['CIDR with host bits', { MAILROOM_TRUSTED_NETWORKS: '192.168.1.1/24' }, ['trusted_networks', '192.168.1.1/24', 'the network is 192.168.1.0/24']],
    ['relay without a port', { MAILROOM_RELAY: 'smtp.example.com' }, ['relay', '"smtp.example.com"', "expected 'host:port'"]],
    ['unknown log level', { MAILROOM_LOG_LEVEL: 'loud' }, ['log.level', '"loud"', 'expected one of']],
    ['bind with a port', { MAILROOM_BIND: '0.0.0.0:25' }, ['bind', '"0.0.0.0:25"']],
    ['postmaster that is not an address', { MAILROOM_POSTMASTER: 'root' }, ['postmaster', '"root"']],
    ['DNS server given by name', { MAILROOM_DNS_SERVERS: '127.0.0.1:5353,dns.example.com' }, ['dns.servers', 'MAILROOM_DNS_SERVERS', '"dns.example.com" is not a DNS server address']],
    ['DNS timeout of zero', { MAILROOM_DNS_TIMEOUT_MS: '0' }, ['dns.timeout_ms', '"0"', 'above 0']],
    ['output buffer below its floor', { MAILROOM_LIMITS_MAX_OUTPUT_BUFFER_BYTES: '1000' }, ['limits.max_output_buffer_bytes', '"1000"', 'expected a whole number from 32768 to 67108864']],
    ['IMAP line limit under RFC 7162', { MAILROOM_LIMITS_IMAP_MAX_LINE_BYTES: '100' }, ['limits.imap_max_line_bytes', '"100"', 'from 8192']],
    ['IMAP command limit under its line limit', { MAILROOM_LIMITS_IMAP_MAX_COMMAND_BYTES: '10000' }, ['limits.imap_max_command_bytes', '10000 is below limits.imap_max_line_bytes (65536)']],
    ['keyword cap of zero', { MAILROOM_LIMITS_MAX_KEYWORDS_PER_MESSAGE: '0' }, ['limits.max_keywords_per_message', '"0"']],
  ])('%s', async (what, extra, mentions) => {
    const result = await serve(await baseEnv(extra as Record<string, string>));
    observed.push(`${what.padEnd(36)} exit ${result.code}: ${result.stderr.trim()}`);
    expect(result.started).toBe(false);
    expect(result.code).toBe(78);
    for (const m of mentions) expect(result.stderr).toContain(m);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a misspelt MAILROOM_ variable is a warning naming the nearest setting, not an error', async () => {
    const env = await baseEnv({ MAILROOM_SMTP_PROT: '25' });
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'domain', 'list'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    observed.push(`${'misspelt variable'.padEnd(36)} exit ${result.code}: ${result.stderr.trim()}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('mailroom: warning: MAILROOM_SMTP_PROT is not a Mailroom setting and is ignored (did you mean MAILROOM_SMTP_PORT?); see docs/configuration.md\n');
  });

  it('a bad admin token entry is named without showing the token', async () => {
    const result = await serve(await baseEnv({ MAILROOM_ADMIN_TOKENS: 'grafana:reader:very-secret-token' }));
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('invalid setting admin.tokens (from environment variable MAILROOM_ADMIN_TOKENS): (value hidden): entry "grafana" is not name:role:token');
    expect(result.stderr).not.toContain('very-secret-token');
  });

  it('TLS certificate without a key names tls.key_file and the certificate given', async () => {
    const cert = yamlFile('lonely-cert.pem', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const result = await serve(await baseEnv({ MAILROOM_TLS_CERT_FILE: cert }));
    observed.push(`${'cert without key'.padEnd(36)} exit ${result.code}: ${result.stderr.trim()}`);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('invalid setting tls.key_file');
    expect(result.stderr).toContain(cert);
  });

  it('unknown YAML key names the key and the file, with a suggestion', async () => {
    const file = yamlFile('typo.yaml', 'smtp:\n  max_recipient: 10\n');
    const result = await serve(await baseEnv(), ['--config', file]);
    observed.push(`${'unknown YAML key'.padEnd(36)} exit ${result.code}: ${result.stderr.trim()}`);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`unknown setting smtp.max_recipient in ${file} (did you mean smtp.max_recipients?)`);
  });

  it('a bad value in YAML names the key, the file and the value', async () => {
    const file = yamlFile('bad-port.yaml', 'submission:\n  port: -587\n');
    const result = await serve(await baseEnv({ MAILROOM_SUBMISSION_PORT: '' }).then(({ MAILROOM_SUBMISSION_PORT: _, ...env }) => env), ['--config', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`invalid setting submission.port (from ${file}): -587`);
  });

  it('malformed YAML names the file and the line', async () => {
    const file = yamlFile('broken.yaml', 'smtp:\n  port: 25\n bind: [\n');
    const result = await serve(await baseEnv(), ['--config', file]);
    observed.push(`${'malformed YAML'.padEnd(36)} exit ${result.code}: ${result.stderr.trim().split('\n')[0]}`);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`cannot read config file ${file}`);
    expect(result.stderr).toMatch(/line \d+/);
  });

  it('a config file that does not exist is named', async () => {
    const file = path.join(dir, 'nowhere.yaml');
    const result = await serve(await baseEnv({ MAILROOM_CONFIG: file }));
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`cannot read config file ${file}`);
  });

  it('a port already in use names the setting that holds it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await serve(await baseEnv({ MAILROOM_SUBMISSION_PORT: String(port) }));
      observed.push(`${'port in use'.padEnd(36)} exit ${result.code}: ${result.stderr.trim()}`);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`invalid setting submission.port (MAILROOM_SUBMISSION_PORT): cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('an implicit TLS port already in use names its setting too', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await serve(await baseEnv({ MAILROOM_IMAPS_PORT: String(port) }));
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`invalid setting imaps.port (MAILROOM_IMAPS_PORT): cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('a YAML configuration file', () => {
  it('with nested keys configures the server, and the environment overrides it', async () => {
    const smtpPort = await freePort();
    const adminPort = await freePort();
    const file = yamlFile(
      'good.yaml',
      [
        '# nested maps and dotted keys mix freely',
        'hostname: from-yaml.example.test',
        `data_dir: ${JSON.stringify(fs.mkdtempSync(path.join(dir, 'yaml-data-')))}`,
        'smtp:',
        `  port: ${smtpPort}`,
        '  max_message_size_bytes: 12345',
        '  greeting_delay_ms: 0',
        'submission:',
        '  port: off',
        'pop3.port: off',
        'imap.port: off',
        `admin.port: ${adminPort}`,
        'trusted_networks:',
        '  - 10.0.0.0/8',
      ].join('\n'),
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MAILROOM_') && v !== undefined) env[k] = v;

    for (const [override, expectedName] of [
      [undefined, 'from-yaml.example.test'],
      ['from-env.example.test', 'from-env.example.test'],
    ] as const) {
      const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], {
        env: { ...env, MAILROOM_DNS_SERVERS: (await emptyZoneDns()).address, ...(override ? { MAILROOM_HOSTNAME: override } : {}) },
        stdio: 'ignore',
      });
      try {
        await waitForPort(smtpPort);
        const smtp = await SmtpDialogue.open(smtpPort);
        expect(smtp.transcript[0]).toBe(`S: 220 ${expectedName} ESMTP Mailroom`);
        expect(await smtp.command('EHLO c.test')).toContain('250 SIZE 12345');
        smtp.close();
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
