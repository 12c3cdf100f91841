// SASL PLAIN (auth/sasl-plain.ts): what a client encodes is what we decode; anything else is refused.
import fc from 'fast-check';
import { decodePlain } from '../../src/auth/sasl-plain.ts';
import type { FuzzTarget } from '../harness.ts';

const field = fc.string({ unit: fc.oneof(fc.constantFrom('\0', '\u00e4', '\ud83d\ude00', ' ', '='), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 12 });
const base64ish = fc.string({ unit: fc.constantFrom(...'ABCab09+/= \r\n\t-_!'.split('')), maxLength: 24 });

export const saslPlainTarget: FuzzTarget = {
  name: 'auth/sasl-plain',
  checks: 'base64 of authzid NUL user NUL password decodes to the same user and password when well formed; any text gives a result object, never a throw',
  property: fc.property(fc.constantFrom('', 'same', 'other'), field, field, base64ish, (authz, user, password, text) => {
    const authzid = authz === 'same' ? user.toUpperCase() : authz === 'other' ? `${user}x` : '';
    const result = decodePlain(Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8').toString('base64'));
    // The fields must not hold a NUL or a lone surrogate themselves (UTF-8 cannot carry one) to come back as sent.
    const clean = ![authzid, user, password].some((s) => s.includes('\0') || s !== Buffer.from(s, 'utf8').toString('utf8'));
    const wellFormed = clean && user !== '' && password !== '' && (authzid === '' || authzid.toLowerCase() === user.toLowerCase());
    if (wellFormed && !(result.ok && result.user === user && result.password === password)) throw new Error(`lost ${JSON.stringify([authzid, user, password])}: ${JSON.stringify(result)}`);
    if (!wellFormed && clean && result.ok) throw new Error(`accepted ${JSON.stringify([authzid, user, password])}`);
    const other = decodePlain(text);
    return typeof other.ok === 'boolean';
  }),
};
