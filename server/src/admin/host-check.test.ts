// Which Host values the admin port answers to (DNS rebinding defence), without a server.
import { describe, expect, it } from 'vitest';
import { allowedHostNames, hostAllowed, hostOf } from './host-check.ts';

const names = allowedHostNames({ hostname: 'mx.example.com', bind: '0.0.0.0', 'admin.allowed_hosts': ['Mailroom.Internal'] });

describe('Host check', () => {
  it('reads the host out of a Host header', () => {
    expect(hostOf('localhost:9425')).toBe('localhost');
    expect(hostOf('MX.Example.COM.')).toBe('mx.example.com');
    expect(hostOf('[::1]:9425')).toBe('::1');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of ['[evil.com]:80', 'a:b:c', 'host:99999999', '[::1', 'x y']) expect(hostOf(bad)).toBeNull();
  });

  it('answers to loopback names, the hostname, listed names and any IP literal', () => {
    for (const ok of ['localhost:9425', '127.0.0.1:9425', '[::1]:9425', 'mx.example.com', 'mailroom.internal:9425', '10.1.2.3:9425', '[2001:db8::1]:9425', 'LOCALHOST.']) {
      expect(hostAllowed(ok, names), ok).toBe(true);
    }
  });

  it("refuses any other name, such as a rebinding attacker's", () => {
    for (const bad of ['attacker.example:9425', 'localhost.attacker.example', 'mx.example.com.attacker.example', '127.0.0.1.nip.io', '[evil]:9425']) {
      expect(hostAllowed(bad, names), bad).toBe(false);
    }
  });

  it('lets a request without Host through (not a browser), and adds bind when it is a name', () => {
    expect(hostAllowed('', names)).toBe(true);
    expect(allowedHostNames({ hostname: 'mx.example.com', bind: 'mail.lan', 'admin.allowed_hosts': [] }).has('mail.lan')).toBe(true);
    expect(names.has('0.0.0.0')).toBe(false);
  });
});
