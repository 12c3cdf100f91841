import { describe, expect, it } from 'vitest';
import * as k from './kinds.ts';

const ok = (schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, v: unknown) => {
  const r = schema.safeParse(v);
  expect(r.success, `expected ${JSON.stringify(v)} to be accepted`).toBe(true);
  return r.data;
};
const bad = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, v: unknown) => {
  const r = schema.safeParse(v);
  expect(r.success, `expected ${JSON.stringify(v)} to be refused`).toBe(false);
  return r.error!.issues.map((i) => i.message).join('; ');
};

describe('setting kinds', () => {
  it('port: a number from the environment or YAML, 0 for any, off for disabled', () => {
    expect(ok(k.port, '2525')).toBe(2525);
    expect(ok(k.port, 25)).toBe(25);
    expect(ok(k.port, '0')).toBe(0);
    expect(ok(k.port, 'off')).toBeNull();
    expect(ok(k.port, false)).toBeNull();
    for (const v of ['abc', '-1', '65536', '1.5', '', ' ', '25x']) expect(bad(k.port, v)).toContain("expected a port number (0-65535) or 'off'");
  });

  it('whole numbers refuse fractions, negatives and words with a plain message', () => {
    expect(ok(k.positiveInt, '10')).toBe(10);
    expect(bad(k.positiveInt, '0')).toBe('expected a number above 0');
    expect(bad(k.positiveInt, '-5')).toBe('expected a number above 0');
    expect(bad(k.positiveInt, '2.5')).toBe('expected a whole number');
    expect(bad(k.positiveInt, 'ten')).toBe('expected a whole number');
    expect(ok(k.nonNegativeInt, '0')).toBe(0);
    expect(bad(k.nonNegativeInt, '-1')).toBe('expected 0 or more');
  });

  it('bool takes the usual spellings', () => {
    for (const v of ['1', 'true', 'YES', 'on', true]) expect(ok(k.bool, v)).toBe(true);
    for (const v of ['0', 'false', 'No', 'off', false]) expect(ok(k.bool, v)).toBe(false);
    expect(bad(k.bool, 'maybe')).toBe('expected true or false');
  });

  it('lists come comma-separated from the environment and as lists from YAML', () => {
    expect(ok(k.list, 'a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(ok(k.list, ['a'])).toEqual(['a']);
    expect(ok(k.secondsList, '60,300')).toEqual([60, 300]);
    expect(bad(k.secondsList, '60,abc')).toContain('expected a list of seconds');
    expect(bad(k.secondsList, '60,-1')).toContain('delays must be above 0');
    expect(bad(k.secondsList, '')).toContain('expected at least one delay');
  });

  it('cidrList names each bad entry', () => {
    expect(ok(k.cidrList, '10.0.0.0/8,::1')).toEqual(['10.0.0.0/8', '::1']);
    const why = bad(k.cidrList, '10.0.0.0/8,10/8,10.0.0.1/8');
    expect(why).toContain('"10/8" is not a CIDR range');
    expect(why).toContain('"10.0.0.1/8" is not a CIDR range: host bits are set');
  });

  it('host names, bind addresses, addresses and host:port', () => {
    expect(ok(k.hostName, 'mx.example.com')).toBe('mx.example.com');
    expect(bad(k.hostName, 'mx example')).toContain('expected a host name');
    expect(ok(k.bindAddress, '0.0.0.0')).toBe('0.0.0.0');
    expect(ok(k.bindAddress, '::')).toBe('::');
    expect(ok(k.bindAddress, 'localhost')).toBe('localhost');
    expect(bad(k.bindAddress, '1.2.3.4:25')).toContain('expected an IP address');
    expect(ok(k.optionalAddress, 'admin@example.com')).toBe('admin@example.com');
    expect(ok(k.optionalAddress, '')).toBeUndefined();
    expect(bad(k.optionalAddress, 'admin')).toContain('expected an address');
    expect(bad(k.optionalAddress, 'a b@example.com')).toContain('expected an address');
    expect(ok(k.optionalHostPort, 'smtp.example.com:587')).toBe('smtp.example.com:587');
    expect(ok(k.optionalHostPort, '')).toBeUndefined();
    expect(bad(k.optionalHostPort, 'smtp.example.com')).toContain("expected 'host:port'");
  });
});
