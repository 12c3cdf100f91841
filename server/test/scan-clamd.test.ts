// The clamd client against a real clamd (signature database written by the helper, no network): EICAR in
// a MIME attachment over TCP and the unix socket, clean mail, both stream limits, a stopped, restarted and
// frozen clamd, and the connection budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdClient } from '../src/scan/clamd.ts';
import { ClamdProcess, EICAR_SIGNATURE, eicarMail } from './helpers/clamd.ts';
import { freePort } from './helpers/ports.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';

const haveClamd = requireScannerDaemons('clamd');
const cleanMail = Buffer.from('From: a@remote.test\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nJust text.\r\n');
let clamd: ClamdProcess;

beforeAll(async () => {
  if (!haveClamd) return;
  clamd = await ClamdProcess.start();
  console.log(`clamd answered PING ${clamd.lastStartMs} ms after spawn`);
});

afterAll(async () => {
  await clamd?.cleanup();
});

describe.skipIf(!haveClamd)('clamd client', () => {
  it('finds EICAR inside a base64 MIME attachment, over TCP and over the unix socket', async () => {
    for (const url of [clamd.tcpUrl, clamd.unixUrl]) {
      const result = await new ClamdClient({ url }).scan(eicarMail());
      expect(result.kind).toBe('virus');
      expect(result.kind === 'virus' && result.name).toMatch(new RegExp(`^${EICAR_SIGNATURE.replace(/\./g, '\\.')}(\\.UNOFFICIAL)?$`));
    }
  });

  it('reports clean mail as clean and answers PING and VERSION', async () => {
    const client = new ClamdClient({ url: clamd.tcpUrl });
    expect(await client.scan(cleanMail)).toEqual({ kind: 'clean' });
    await expect(client.ping()).resolves.toBeUndefined();
    expect(await client.version()).toMatch(/^ClamAV \d+\.\d+/);
  });

  it('reports a message over maxStreamBytes as too_large without connecting at all', async () => {
    // Nothing listens on this port: a client that tried to send would come back with an error instead.
    const client = new ClamdClient({ url: `tcp://127.0.0.1:${await freePort()}`, maxStreamBytes: 1024 });
    expect(await client.scan(Buffer.alloc(1025, 'a'))).toEqual({ kind: 'too_large' });
  });

  it('treats clamd refusing a stream over its own StreamMaxLength as too_large, and takes exactly the limit', async () => {
    const small = await ClamdProcess.start({ streamMaxBytes: 1024 * 1024 });
    try {
      // The client believes the limit is far higher, so clamd is the one that says no.
      const client = new ClamdClient({ url: small.tcpUrl, maxStreamBytes: 64 * 1024 * 1024 });
      for (let i = 0; i < 5; i++) expect(await client.scan(Buffer.alloc(4 * 1024 * 1024, 'a'))).toEqual({ kind: 'too_large' });
      expect(await client.scan(Buffer.alloc(1024 * 1024, 'a'))).toEqual({ kind: 'clean' });
    } finally {
      await small.cleanup();
    }
  });

  it('returns an error while clamd is stopped and works again after a restart, with the same clients', async () => {
    const tcp = new ClamdClient({ url: clamd.tcpUrl, timeoutMs: 5_000 });
    const unix = new ClamdClient({ url: clamd.unixUrl, timeoutMs: 5_000 });
    await clamd.stop();
    expect(await tcp.scan(eicarMail())).toEqual({ kind: 'error', down: 'unreachable', message: expect.stringMatching(/^clamd at 127\.0\.0\.1:\d+: connect ECONNREFUSED/) });
    expect(await unix.scan(eicarMail())).toEqual({ kind: 'error', down: 'unreachable', message: expect.stringMatching(/^clamd at unix:.+: connect (ENOENT|ECONNREFUSED)/) });
    await expect(tcp.ping()).rejects.toThrow(/ECONNREFUSED/);
    await clamd.resume();
    console.log(`clamd restarted in ${clamd.lastStartMs} ms`);
    expect(await tcp.scan(eicarMail())).toMatchObject({ kind: 'virus' });
    expect(await unix.scan(cleanMail)).toEqual({ kind: 'clean' });
  });

  it('gives up on a clamd that accepts but never answers (SIGSTOP), then recovers when it continues', async () => {
    const client = new ClamdClient({ url: clamd.tcpUrl, timeoutMs: 1_000 });
    clamd.freeze();
    try {
      expect(await client.scan(cleanMail)).toEqual({ kind: 'error', down: 'timeout', message: expect.stringMatching(/no answer within 1000 ms$/) });
      await expect(client.version(500)).rejects.toThrow(/no answer within 500 ms/);
    } finally {
      clamd.thaw();
    }
    expect(await client.scan(eicarMail())).toMatchObject({ kind: 'virus' });
  });

  it('runs at most maxConcurrent scans, queues up to maxQueued and refuses the rest at once', async () => {
    const client = new ClamdClient({ url: clamd.tcpUrl, maxConcurrent: 2, maxQueued: 3 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.scan(i % 2 ? eicarMail() : cleanMail)));
    // All eight calls are made in one tick: two start, three wait, three find the queue full.
    expect(results.slice(0, 5).map((r) => r.kind)).toEqual(['clean', 'virus', 'clean', 'virus', 'clean']);
    expect(results.slice(5)).toEqual(Array(3).fill({ kind: 'error', message: expect.stringMatching(/too many scans waiting \(3 queued\)/) }));
  });
});
