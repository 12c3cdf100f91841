// Envelope addresses (util/address.ts): parse is strict and its normal form is a fixed point.
import fc from 'fast-check';
import { domainOf, parseAddress } from '../../src/util/address.ts';
import { tokens } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

const DICTIONARY = [
  'a',
  'Bob',
  '.',
  '..',
  '@',
  '@@',
  'example.test',
  'EXAMPLE.Test.',
  '"',
  '"a b"',
  '\\',
  '%',
  '!',
  '[127.0.0.1]',
  '-',
  'xn--',
  '\u00e4',
  '\ud83d\ude00',
  '\ud83d',
  ' ',
  '<',
  '\x00',
  'a'.repeat(64),
  'b'.repeat(63) + '.',
];

export const addressTarget: FuzzTarget = {
  name: 'util/address',
  checks: 'parseAddress returns null or a parsed address whose normalized form parses to itself (idempotent), local@domain with a lower-case domain; never throws',
  property: fc.property(tokens(DICTIONARY, 16), (input) => {
    const parsed = parseAddress(input);
    if (parsed === null) return true;
    if (parsed.normalized !== `${parsed.local}@${parsed.domain}` || parsed.domain !== parsed.domain.toLowerCase() || parsed.domain.endsWith('.'))
      throw new Error(`bad parts ${JSON.stringify(parsed)}`);
    const again = parseAddress(parsed.normalized);
    if (again === null || again.normalized !== parsed.normalized) throw new Error(`${parsed.normalized} does not parse to itself: ${JSON.stringify(again)}`);
    return domainOf(parsed.normalized) === parsed.domain;
  }),
};
