// The shipped systemd unit (deploy/systemd/mailroom.service), checked by systemd itself with
// `systemd-analyze verify`, and read for what README "Production" promises of it: reload is SIGHUP, a crash
// restarts it and a configuration error does not, ports below 1024 without root, the settings it sets exist.
// And README "Production": its YAML file loads through the real configuration checks.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.ts';
import { SETTINGS, envName, type SettingKey } from '../src/config/settings.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const UNIT = path.resolve(import.meta.dirname, '../../deploy/systemd/mailroom.service');
const text = fs.readFileSync(UNIT, 'utf8');
const directive = (name: string) => [...text.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);

async function verify(file: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('systemd-analyze', ['verify', file]);
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('deploy/systemd/mailroom.service', () => {
  it.runIf(requireCommand('systemd-analyze', 'the systemd unit test verifies the unit with it'))('passes systemd-analyze verify; a broken copy does not', async () => {
    const ok = await verify(UNIT);
    expect(ok, ok.stderr).toEqual({ code: 0, stderr: '' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-unit-'));
    try {
      const broken = path.join(dir, 'mailroom.service');
      fs.writeFileSync(broken, text.replace('ExecStart=/usr/bin/node', 'ExecStart=/usr/bin/no-such-node').replace('Restart=on-failure', 'Restart=sometimes'));
      const bad = await verify(broken);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('Failed to parse service restart specifier');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reloads with SIGHUP, restarts on failure but not on a configuration error (exit 78), binds low ports without root', () => {
    expect(directive('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(directive('Restart')).toEqual(['on-failure']);
    expect(directive('RestartPreventExitStatus')).toEqual(['78']);
    expect(directive('AmbientCapabilities')).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(directive('CapabilityBoundingSet')).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(directive('User')).toEqual(['mailroom']);
    expect(directive('ExecStart')[0]).toMatch(/server\/bin\/mailroom\.js serve$/);
  });

  it('sets only environment variables that are Mailroom settings (or MAILROOM_CONFIG)', () => {
    const known = new Set([...Object.keys(SETTINGS).map((k) => envName(k as SettingKey)), 'MAILROOM_CONFIG']);
    const set = directive('Environment').map((e) => e.split('=')[0]!);
    expect(set.length).toBeGreaterThan(0);
    for (const name of set) expect(known.has(name), name).toBe(true);
  });
});

describe('README "Production"', () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Production'), readme.indexOf('## Documentation'));

  it.runIf(requireCommand('openssl', 'the README production test makes a certificate for the example file with it'))(
    'its mailroom.yaml passes the configuration checks a start makes (with a certificate where it names one)',
    async () => {
      const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-prod-'));
      try {
        const cert = path.join(dir, 'fullchain.pem');
        const key = path.join(dir, 'privkey.pem');
        await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mx.example.com', '-days', '1', '-keyout', key, '-out', cert]);
        const file = path.join(dir, 'mailroom.yaml');
        fs.writeFileSync(file, yaml.replace('/etc/mailroom/tls/fullchain.pem', cert).replace('/etc/mailroom/tls/privkey.pem', key));
        const config = loadConfig({ file, env: {}, warn: () => undefined });
        expect(config['smtp.port']).toBe(25);
        expect(config['submissions.port']).toBe(465);
        expect(config['imaps.port']).toBe(993);
        expect(config['imap.port']).toBeNull();
        expect(config.bind).toBe('0.0.0.0');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('names the shipped unit', () => {
    expect(section).toContain('cp deploy/systemd/mailroom.service /etc/systemd/system/');
    expect(fs.existsSync(UNIT)).toBe(true);
  });
});
