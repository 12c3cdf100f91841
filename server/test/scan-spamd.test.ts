// The spamd client against a real spamd with the rules Debian ships and no network tests: GTUBE, ham,
// PING, the size limit, and a stopped then restarted spamd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpamdClient } from '../src/scan/spamd.ts';
import { freePort } from './helpers/ports.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { gtubeMail, hamMail, SpamdProcess } from './helpers/spamd.ts';

const haveSpamd = requireScannerDaemons('spamd');
let spamd: SpamdProcess;

beforeAll(async () => {
  if (!haveSpamd) return;
  spamd = await SpamdProcess.start();
  console.log(`spamd answered PING ${spamd.lastStartMs} ms after spawn`);
});

afterAll(async () => {
  await spamd?.cleanup();
});

describe.skipIf(!haveSpamd)('spamd client', () => {
  it('scores GTUBE at 1000 or more with the GTUBE rule and spamd threshold', async () => {
    const result = await new SpamdClient({ address: spamd.address }).check(gtubeMail());
    expect(result).toMatchObject({ kind: 'scored', isSpam: true, threshold: 5 });
    expect(result.kind === 'scored' && result.score).toBeGreaterThanOrEqual(1000);
    expect(result.kind === 'scored' && result.rules).toContain('GTUBE');
  });

  it('scores an ordinary message as not spam', async () => {
    const result = await new SpamdClient({ address: spamd.address }).check(hamMail());
    expect(result).toMatchObject({ kind: 'scored', isSpam: false });
    expect(result.kind === 'scored' && result.score).toBeLessThan(5);
    expect(result.kind === 'scored' && result.rules).not.toContain('GTUBE');
  });

  it('answers PING with the protocol version', async () => {
    expect(await new SpamdClient({ address: spamd.address }).ping()).toMatch(/^SPAMD\/1\.\d$/);
  });

  it('does not send a message over maxMessageBytes (like spamc), so nothing needs to listen', async () => {
    const client = new SpamdClient({ address: `127.0.0.1:${await freePort()}`, maxMessageBytes: 100 });
    expect(await client.check(Buffer.alloc(101, 'a'))).toEqual({ kind: 'too_large' });
  });

  it('returns an error while spamd is stopped and works again after a restart, with the same client', async () => {
    const client = new SpamdClient({ address: spamd.address, timeoutMs: 10_000 });
    await spamd.stop();
    expect(await client.check(gtubeMail())).toEqual({ kind: 'error', down: 'unreachable', message: expect.stringMatching(/^spamd at 127\.0\.0\.1:\d+: connect ECONNREFUSED/) });
    await expect(client.ping()).rejects.toThrow(/ECONNREFUSED/);
    await spamd.resume();
    console.log(`spamd restarted in ${spamd.lastStartMs} ms`);
    expect(await client.check(gtubeMail())).toMatchObject({ kind: 'scored', isSpam: true });
  });
});
