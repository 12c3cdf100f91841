import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';
import { SETTINGS } from './settings.ts';

let dir: string;
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const fails = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-config-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('uses the catalogue defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config['smtp.port']).toBe(2525);
    expect(config.trusted_networks).toEqual([]);
    expect(config.relay).toBeUndefined();
    expect(config['delivery.retry_schedule_seconds']).toEqual(SETTINGS['delivery.retry_schedule_seconds'].default);
  });

  it('reads nested and dotted YAML keys, and the environment wins over the file', () => {
    const yaml = file(
      'nested.yaml',
      [
        'hostname: mx.example.com',
        'smtp:',
        '  port: 25',
        '  max_recipients: 50',
        'submission.port: "off"',
        'trusted_networks:',
        '  - 10.0.0.0/8',
        '  - ::1',
        'delivery:',
        '  retry_schedule_seconds: [30, 60]',
      ].join('\n'),
    );
    const config = loadConfig({ file: yaml, env: { MAILROOM_SMTP_MAX_RECIPIENTS: '7' } });
    expect(config.hostname).toBe('mx.example.com');
    expect(config['smtp.port']).toBe(25);
    expect(config['submission.port']).toBeNull();
    expect(config['smtp.max_recipients']).toBe(7);
    expect(config.trusted_networks).toEqual(['10.0.0.0/8', '::1']);
    expect(config['delivery.retry_schedule_seconds']).toEqual([30, 60]);
  });

  it('takes MAILROOM_NODE_NAME for cluster.node_name (the issue names it), the regular variable first, and does not warn about it', () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(loadConfig({ env: { MAILROOM_NODE_NAME: 'node-b' }, warn })['cluster.node_name']).toBe('node-b');
    expect(loadConfig({ env: { MAILROOM_NODE_NAME: 'node-b', MAILROOM_CLUSTER_NODE_NAME: 'node-c' }, warn })['cluster.node_name']).toBe('node-c');
    expect(warnings).toEqual([]);
  });

  it('finds the file through MAILROOM_CONFIG', () => {
    const yaml = file('via-env.yaml', 'smtp:\n  port: 2626\n');
    expect(loadConfig({ env: { MAILROOM_CONFIG: yaml } })['smtp.port']).toBe(2626);
  });

  it('treats an empty file as no settings', () => {
    expect(loadConfig({ file: file('empty.yaml', ''), env: {} })['smtp.port']).toBe(2525);
  });

  it('names the key, the source and the value of a bad setting', () => {
    let e = fails(() => loadConfig({ env: { MAILROOM_SMTP_PORT: 'abc' } }));
    expect(e.key).toBe('smtp.port');
    expect(e.message).toBe(`invalid setting smtp.port (from environment variable MAILROOM_SMTP_PORT): "abc": expected a port number (0-65535) or 'off'`);
    const yaml = file('bad-value.yaml', 'delivery:\n  concurrency: -3\n');
    e = fails(() => loadConfig({ file: yaml, env: {} }));
    expect(e.key).toBe('delivery.concurrency');
    expect(e.message).toBe(`invalid setting delivery.concurrency (from ${yaml}): -3: expected a number above 0`);
  });

  it('refuses unknown YAML keys with a suggestion', () => {
    const e = fails(() => loadConfig({ file: file('typo.yaml', 'smtp:\n  prot: 25\n'), env: {} }));
    expect(e.key).toBe('smtp.prot');
    expect(e.message).toMatch(/unknown setting smtp\.prot in .*typo\.yaml \(did you mean smtp\.port\?\)/);
    expect(fails(() => loadConfig({ file: file('scalar.yaml', 'smtp: 25\n'), env: {} })).key).toBe('smtp');
  });

  it('refuses keys every object has ("constructor: 0", found by fuzzing) as unknown, not as settings given twice', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const e = fails(() => loadConfig({ file: file('proto.yaml', `${name}: 0\n`), env: {} }));
      expect(e.key).toBe(name);
      expect(e.message).toMatch(new RegExp(`^unknown setting ${name} in `));
    }
  });

  it('refuses a key given both nested and dotted', () => {
    const e = fails(() => loadConfig({ file: file('twice.yaml', 'smtp:\n  port: 25\nsmtp.port: 26\n'), env: {} }));
    expect(e.message).toMatch(/smtp\.port appears twice/);
  });

  it('warns about unknown MAILROOM_ variables with a suggestion, but not about MAILROOM_CONFIG', () => {
    const warnings: string[] = [];
    const config = loadConfig({ env: { MAILROOM_SMTP_PROT: '25', MAILROOM_CONFIG: '', OTHER_THING: 'x' }, warn: (m) => warnings.push(m) });
    expect(config['smtp.port']).toBe(2525);
    expect(warnings).toEqual(['MAILROOM_SMTP_PROT is not a Mailroom setting and is ignored (did you mean MAILROOM_SMTP_PORT?); see docs/configuration.md']);
  });

  it('warns about no MAILROOM_ variable the README, docs or deploy files tell an operator to set', () => {
    // Every name mentioned there, set at once (to a value each accepts: the warning is about the name).
    const root = path.resolve(import.meta.dirname, '../../..');
    const texts = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).map((f) => `docs/${f}`), 'deploy/systemd/mailroom.service'].map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
    const named = new Set(texts.flatMap((t) => t.match(/MAILROOM_[A-Z0-9_]*[A-Z0-9]/g) ?? []));
    named.delete('MAILROOM_SMTP_PROT'); // the docs' own example of a misspelling
    expect(named.size).toBeGreaterThan(20);
    const warnings: string[] = [];
    const env = Object.fromEntries([...named].map((name) => [name, '']));
    try {
      loadConfig({ env, warn: (m) => warnings.push(m) });
    } catch {
      // An empty value some setting refuses: the names were checked before the values.
    }
    expect(warnings).toEqual([]);
  });

  it('never shows a secret setting in an error', () => {
    const e = fails(() => loadConfig({ env: { MAILROOM_ADMIN_TOKENS: 'ops:superuser:s3cret-token-value' } }));
    expect(e.key).toBe('admin.tokens');
    expect(e.message).toContain('entry "ops" is not name:role:token');
    expect(e.message).not.toContain('s3cret');
  });

  it('parses admin API tokens', () => {
    const config = loadConfig({ env: { MAILROOM_ADMIN_TOKENS: 'ops:operator:abc:def, grafana:viewer:xyz' } });
    expect(config['admin.tokens']).toEqual([
      { name: 'ops', role: 'operator', token: 'abc:def' },
      { name: 'grafana', role: 'viewer', token: 'xyz' },
    ]);
    expect(fails(() => loadConfig({ env: { MAILROOM_ADMIN_TOKENS: 'a:admin:x,a:viewer:y' } })).message).toContain('token name "a" appears twice');
  });

  it('reports malformed YAML, and YAML that is not a mapping, with the file name', () => {
    const broken = file('broken.yaml', 'smtp:\n  port: [25\n');
    expect(fails(() => loadConfig({ file: broken, env: {} })).message).toMatch(new RegExp(`cannot read config file ${broken}: `));
    expect(fails(() => loadConfig({ file: file('list.yaml', '- a\n- b\n'), env: {} })).message).toMatch(/must be a YAML mapping/);
    expect(fails(() => loadConfig({ file: path.join(dir, 'missing.yaml'), env: {} })).message).toMatch(/ENOENT/);
  });

  describe('TLS files', () => {
    let cert: string;
    let key: string;
    let otherKey: string;
    beforeAll(async () => {
      key = path.join(dir, 'key.pem');
      cert = path.join(dir, 'cert.pem');
      otherKey = path.join(dir, 'other-key.pem');
      const pems = await generate([{ name: 'commonName', value: 't.test' }], { keySize: 2048 });
      fs.writeFileSync(key, pems.private);
      fs.writeFileSync(cert, pems.cert);
      const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      fs.writeFileSync(otherKey, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    });

    it('accepts a matching certificate and key', () => {
      expect(loadConfig({ env: { MAILROOM_TLS_CERT_FILE: cert, MAILROOM_TLS_KEY_FILE: key } })['tls.cert_file']).toBe(cert);
    });

    it('names the missing half of a pair, and the half that was given', () => {
      const e = fails(() => loadConfig({ env: { MAILROOM_TLS_CERT_FILE: cert } }));
      expect(e.key).toBe('tls.key_file');
      expect(e.message).toContain(`tls.cert_file is ${JSON.stringify(cert)}`);
      expect(fails(() => loadConfig({ env: { MAILROOM_TLS_KEY_FILE: key } })).key).toBe('tls.cert_file');
    });

    it('refuses an unreadable file and a key that does not belong to the certificate', () => {
      const e = fails(() => loadConfig({ env: { MAILROOM_TLS_CERT_FILE: path.join(dir, 'nope.pem'), MAILROOM_TLS_KEY_FILE: key } }));
      expect(e.key).toBe('tls.cert_file');
      expect(e.message).toMatch(/cannot read .*nope\.pem.*ENOENT/);
      expect(fails(() => loadConfig({ env: { MAILROOM_TLS_CERT_FILE: dir, MAILROOM_TLS_KEY_FILE: key } })).message).toMatch(/EISDIR/);
      expect(fails(() => loadConfig({ env: { MAILROOM_TLS_CERT_FILE: cert, MAILROOM_TLS_KEY_FILE: otherKey } })).message).toMatch(/not a usable certificate and key/);
    });
  });
});
