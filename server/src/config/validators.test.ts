import { describe, expect, it } from 'vitest';
import { inNetworks, isHostName, isLoopback, parseCidr, parseCidrList, parseDnsServer, parseHostPort } from './validators.ts';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', 8],
    ['192.0.2.7', '192.0.2.7', 32],
    ['fd00::/8', 'fd00::', 8],
    ['::1', '::1', 128],
    [' 10.1.0.0/16 ', '10.1.0.0', 16],
  ])('accepts %j', (input, address, bits) => {
    const parsed = parseCidr(input);
    expect(typeof parsed).not.toBe('string');
    const [addr, prefix] = parsed as Exclude<typeof parsed, string>;
    expect(addr.toString()).toBe(address);
    expect(prefix).toBe(bits);
  });

  it.each([
    // ipaddr.js alone reads these as 0.0.0.10/8 and 8.0.0.1: refused.
    ['10/8', /not an IPv4 or IPv6 address/],
    ['010.0.0.1', /not an IPv4 or IPv6 address/],
    ['127.1', /not an IPv4 or IPv6 address/],
    ['10.0.0.0/33', /longer than 32 bits/],
    ['::/129', /longer than 128 bits/],
    ['10.0.0.0/x', /not a number/],
    ['10.0.0.0/8/8', /more than one/],
    ['10.0.0.1/8', /host bits are set; the network is 10\.0\.0\.0\/8/],
    ['fe80::1%eth0', /zone ids/],
    ['', /not an IPv4 or IPv6 address/],
    ['example.com', /not an IPv4 or IPv6 address/],
  ])('refuses %j and says why', (input, why) => {
    expect(parseCidr(input)).toMatch(why);
  });

  it('parses a whole list or nothing', () => {
    expect(parseCidrList(['10.0.0.0/8', '::1'])).toHaveLength(2);
    expect(parseCidrList(['10.0.0.0/8', '10/8'])).toBeNull();
    expect(parseCidrList([])).toEqual([]);
  });
});

describe('inNetworks', () => {
  const nets = parseCidrList(['10.0.0.0/8', '2001:db8::/32', '::ffff:192.0.2.0/120'])!;
  it.each([
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['11.0.0.1', false],
    ['2001:db8::5', true],
    ['2001:db9::5', false],
    ['192.0.2.99', true],
    ['192.0.3.1', false],
    ['garbage', false],
  ])('%s in the ranges: %s', (address, expected) => {
    expect(inNetworks(address, nets)).toBe(expected);
  });

  it('does not treat ::/0 as every IPv4 client', () => {
    expect(inNetworks('10.0.0.1', parseCidrList(['::/0'])!)).toBe(false);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['smtp.example.com:587', { host: 'smtp.example.com', port: 587 }],
    ['192.0.2.1:25', { host: '192.0.2.1', port: 25 }],
    ['[2001:db8::1]:25', { host: '2001:db8::1', port: 25 }],
    ['relay:2525', { host: 'relay', port: 2525 }],
  ])('parses %j', (input, expected) => {
    expect(parseHostPort(input)).toEqual(expected);
  });

  it.each(['smtp.example.com', 'smtp.example.com:0', 'smtp.example.com:65536', 'host:25:26', '2001:db8::1:25', '[not-ipv6]:25', 'bad host:25', ':25', 'host:'])('refuses %j', (input) => {
    expect(parseHostPort(input)).toBeNull();
  });
});

describe('parseDnsServer', () => {
  it.each([
    ['192.0.2.53', { host: '192.0.2.53', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['[2001:db8::53]:5353', { host: '2001:db8::53', port: 5353 }],
  ])('parses %j', (input, expected) => {
    expect(parseDnsServer(input)).toEqual(expected);
  });

  // Names are refused: a resolver cannot look up its own server.
  it.each(['dns.example.com', 'dns.example.com:53', '127.0.0.1:0', '127.0.0.1:65536', '[::1]:', '[fe80::1%eth0]:53', '999.1.1.1', '127.0.0.1:53:53', ''])('refuses %j', (input) => {
    expect(parseDnsServer(input)).toBeNull();
  });
});

describe('isHostName and isLoopback', () => {
  it('checks host names', () => {
    expect(isHostName('mx.example.com')).toBe(true);
    expect(isHostName('my_host')).toBe(true);
    expect(isHostName('a..b')).toBe(false);
    expect(isHostName('-a.b')).toBe(false);
    expect(isHostName('mx.example.com\r\nX: y')).toBe(false);
    expect(isHostName('a b')).toBe(false);
  });

  it('knows loopback in both families', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('x')).toBe(false);
  });
});
