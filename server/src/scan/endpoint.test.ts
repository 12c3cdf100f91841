// Address parsing for both daemons: the forms Debian's defaults and the docs use, and clear errors for typos.
import { describe, expect, it } from 'vitest';
import { describeEndpoint, parseClamdUrl, parseSpamdAddress } from './endpoint.ts';

describe('parseClamdUrl', () => {
  it('reads tcp URLs, with the default port when none is given', () => {
    expect(parseClamdUrl('tcp://127.0.0.1:3311')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 3311 });
    expect(parseClamdUrl('tcp://clamav.internal')).toEqual({ kind: 'tcp', host: 'clamav.internal', port: 3310 });
    expect(parseClamdUrl('tcp://[::1]:3310')).toEqual({ kind: 'tcp', host: '::1', port: 3310 });
  });

  it('reads unix sockets as unix:/path, unix:///path or a bare absolute path', () => {
    for (const s of ['unix:/run/clamav/clamd.ctl', 'unix:///run/clamav/clamd.ctl', '/run/clamav/clamd.ctl']) {
      expect(parseClamdUrl(s)).toEqual({ kind: 'unix', path: '/run/clamav/clamd.ctl' });
    }
  });

  it('refuses other schemes, relative paths and bad ports with the address in the message', () => {
    expect(() => parseClamdUrl('http://127.0.0.1:3310')).toThrow(/clamd address "http:\/\/127\.0\.0\.1:3310"/);
    expect(() => parseClamdUrl('unix:clamd.ctl')).toThrow(/absolute path/);
    expect(() => parseClamdUrl('tcp://127.0.0.1:99999')).toThrow(/port must be 1 to 65535/);
    expect(() => parseClamdUrl('tcp://::1:3310')).toThrow(/IPv6 as \[addr\]:port/);
  });
});

describe('parseSpamdAddress', () => {
  it('reads host:port, a bare host with port 783 and an absolute socket path', () => {
    expect(parseSpamdAddress('127.0.0.1:7830')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 7830 });
    expect(parseSpamdAddress('spamd')).toEqual({ kind: 'tcp', host: 'spamd', port: 783 });
    expect(parseSpamdAddress('/run/spamd.sock')).toEqual({ kind: 'unix', path: '/run/spamd.sock' });
  });
});

describe('describeEndpoint', () => {
  it('names the endpoint the way an operator would write it', () => {
    expect(describeEndpoint({ kind: 'tcp', host: '::1', port: 783 })).toBe('[::1]:783');
    expect(describeEndpoint({ kind: 'tcp', host: '127.0.0.1', port: 3310 })).toBe('127.0.0.1:3310');
    expect(describeEndpoint({ kind: 'unix', path: '/run/c.ctl' })).toBe('unix:/run/c.ctl');
  });
});
