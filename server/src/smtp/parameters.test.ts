import { describe, expect, it } from 'vitest';
import { MAIL_PARAMETERS, RCPT_PARAMETERS, unsupportedParameter } from './parameters.ts';

describe('unsupportedParameter', () => {
  it('accepts the MAIL parameters of the extensions we advertise', () => {
    expect(unsupportedParameter({ SIZE: '100', BODY: '8BITMIME', SMTPUTF8: true, AUTH: '<>' }, MAIL_PARAMETERS)).toBeNull();
    expect(unsupportedParameter(false, MAIL_PARAMETERS)).toBeNull();
    expect(unsupportedParameter(undefined, MAIL_PARAMETERS)).toBeNull();
  });

  it('names the first parameter we do not advertise', () => {
    expect(unsupportedParameter({ SIZE: '1', RET: 'FULL' }, MAIL_PARAMETERS)).toBe('RET');
    expect(unsupportedParameter({ foo: 'bar' }, MAIL_PARAMETERS)).toBe('FOO');
    expect(unsupportedParameter({ NOTIFY: 'NEVER' }, RCPT_PARAMETERS)).toBe('NOTIFY');
  });
});
