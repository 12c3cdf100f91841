// MAIL and RCPT parameters (smtp/parameters.ts) as smtp-server hands them over: any object.
import fc from 'fast-check';
import { MAIL_PARAMETERS, RCPT_PARAMETERS, unsupportedParameter } from '../../src/smtp/parameters.ts';
import type { FuzzTarget } from '../harness.ts';

const names = fc.oneof(fc.constantFrom('SIZE', 'size', 'BODY', 'SMTPUTF8', 'AUTH', 'NOTIFY', 'ORCPT', 'RET', 'ENVID', '__proto__', 'constructor', 'toString', 'ß', 'ﬀ'), fc.string({ maxLength: 8 }));
const args = fc.oneof(fc.dictionary(names, fc.oneof(fc.string(), fc.boolean()), { maxKeys: 6 }), fc.anything());

export const smtpParametersTarget: FuzzTarget = {
  name: 'smtp/parameters',
  checks: "unsupportedParameter never throws, and names a parameter exactly when one of the object's own keys is not allowed",
  property: fc.property(args, (value) => {
    for (const allowed of [MAIL_PARAMETERS, RCPT_PARAMETERS]) {
      const found = unsupportedParameter(value, allowed);
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      const expected = keys.find((k) => !allowed.has(k.toUpperCase()))?.toUpperCase() ?? null;
      if (found !== expected) throw new Error(`found ${found}, expected ${expected}`);
    }
    return true;
  }),
};
