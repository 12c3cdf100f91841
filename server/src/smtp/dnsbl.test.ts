import { describe, expect, it } from 'vitest';
import { DnsError } from '../dns/errors.ts';
import { Dnsbl } from './dnsbl.ts';

const fake = (a: Record<string, string[] | 'timeout'>, txt: Record<string, string[][]> = {}) => ({
  a: async (name: string) => {
    const r = a[name];
    if (r === 'timeout') throw new DnsError(name, 'A', 'timeout', 'ETIMEOUT');
    if (!r) throw new DnsError(name, 'A', 'nxdomain', 'ENOTFOUND');
    return r;
  },
  txt: async (name: string) => {
    const r = txt[name];
    if (!r) throw new DnsError(name, 'TXT', 'nodata', 'ENODATA');
    return r;
  },
});

describe('Dnsbl', () => {
  it('looks the reversed address up under each zone; the first listing zone and its TXT reason win', async () => {
    const dnsbl = new Dnsbl(fake({ '7.2.0.192.two.test': ['127.0.0.4'], '7.2.0.192.one.test': ['127.0.0.2'] }, { '7.2.0.192.one.test': [['Listed: ', 'https://one.test/q?ip=192.0.2.7']] }), [
      'one.test',
      'two.test',
    ]);
    expect(await dnsbl.check('192.0.2.7')).toEqual({ zone: 'one.test', code: '127.0.0.2', reason: 'Listed: https://one.test/q?ip=192.0.2.7' });
    expect(await dnsbl.check('::ffff:192.0.2.7')).toEqual(expect.objectContaining({ zone: 'one.test' }));
    expect(await dnsbl.check('192.0.2.8')).toBeNull();
  });

  it('lists nobody when a zone times out, answers outside 127/8, or answers "over the query limit"', async () => {
    const dnsbl = new Dnsbl(fake({ '1.2.0.192.a.test': 'timeout', '1.2.0.192.b.test': ['192.0.2.99'], '1.2.0.192.c.test': ['127.255.255.254'] }), ['a.test', 'b.test', 'c.test']);
    expect(await dnsbl.check('192.0.2.1')).toBeNull();
  });

  it('IPv6 addresses are looked up by nibbles', async () => {
    const name = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.v6.test';
    expect(await new Dnsbl(fake({ [name]: ['127.0.0.2'] }), ['v6.test']).check('2001:db8::1')).toEqual({ zone: 'v6.test', code: '127.0.0.2', reason: null });
  });

  it('with no zones it is off and asks nothing', async () => {
    const dnsbl = new Dnsbl(fake({}), []);
    expect(dnsbl.enabled).toBe(false);
    expect(await dnsbl.check('192.0.2.7')).toBeNull();
  });
});
