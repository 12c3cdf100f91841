// The private Dovecot the IMAP bench runs beside Mailroom: it starts from its own configuration, takes a
// LOGIN checked against a bcrypt passwd-file, serves a Maildir written before it started, and its memory
// is summed over every process. Needs Debian's dovecot-imapd and dovecot-lmtpd (scripts/install-system-deps.sh
// installs them for CI): without them this prints SKIPPED locally and fails in CI.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll } from '../smtp-throughput/proc.ts';
import { ImapClient, quote } from './client.ts';
import { dovecotInstalled, hashPassword, pssSum, startDovecot } from './dovecot.ts';

const installed = dovecotInstalled();
if (!installed) {
  const message = 'dovecot-imapd and dovecot-lmtpd are not installed (scripts/install-system-deps.sh)';
  if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
  console.warn(`SKIPPED: ${message}`);
}

describe.skipIf(!installed)('private Dovecot for bench/imap', () => {
  afterAll(cleanupAll);

  it('serves a pre-written Maildir to a LOGIN and sums PSS over its processes', async () => {
    const users = new Map([['user@bench.test', await hashPassword('bench password')]]);
    const dovecot = await startDovecot(users, 50, (dir) => {
      for (let i = 0; i < 3; i++) {
        fs.writeFileSync(path.join(dir, 'mail', 'user@bench.test', 'new', `${1_700_000_000 + i}.M${i}P1.bench`), `Subject: ${i}\r\n\r\nbody ${i}\r\n`);
      }
    });
    const client = await ImapClient.connect(dovecot.port);
    await client.command(`LOGIN ${quote('user@bench.test')} ${quote('bench password')}`);
    await client.command('SELECT INBOX');
    const fetched = await client.command('FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE)');
    expect(fetched.fetches).toBe(3);
    const pids = dovecot.pids();
    expect(pids.length).toBeGreaterThan(3); // master, config, anvil, log, auth, imap-login, imap ...
    expect(pssSum(pids)).toBeGreaterThan(0);
    await expect(ImapClient.connect(dovecot.port).then((c) => c.command(`LOGIN ${quote('user@bench.test')} ${quote('wrong')}`))).rejects.toThrow();
    await dovecot.stop();
    expect(fs.existsSync(dovecot.dir)).toBe(false);
  }, 60_000);
});
