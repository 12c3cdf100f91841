// Issue 14: nothing a client sends may block the event loop. Each attack found against a running
// server is sent to the real `mailroom serve` process while /healthz on the admin port is polled
// throughout; every health answer must come within 100 ms (before the fixes, LIST froze the process for
// minutes, STORE for seconds, the parsed message view for 2.5 s). Loopback only, bounded counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { freePort } from './helpers/ports.ts';
import { RawClient } from './helpers/raw-client.ts';

const TOKEN = 'attack-event-loop-admin-token-4d7a1e9c2b';
const HEALTH_DEADLINE_MS = 100;
let mr: MailroomProcess;

beforeAll(async () => {
  // Remote mail goes to a port nobody listens on: it is deferred for an hour and stays in the queue.
  mr = await MailroomProcess.create({
    env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_RELAY: `127.0.0.1:${await freePort()}`, MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600' },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'mallory@example.test', '--password', 'mallory-pw');
  await mr.start();
  // The first request pays for this process's HTTP client and connection; the polls measure the server.
  await (await mr.admin('/healthz')).arrayBuffer();
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

/** Polls /healthz back to back until stopped; resolves with the slowest answer's time. */
function pollHealth(): { stop(): Promise<{ polls: number; slowestMs: number }> } {
  let running = true;
  let polls = 0;
  let slowestMs = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await mr.admin('/healthz');
      await res.arrayBuffer();
      slowestMs = Math.max(slowestMs, performance.now() - started);
      expect(res.status).toBe(200);
      polls++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { polls, slowestMs };
    },
  };
}

/** Runs the attack with /healthz polled throughout; each health answer must come within 100 ms. */
async function whileHealthPolled<T>(attack: () => Promise<T>): Promise<T> {
  const health = pollHealth();
  await new Promise((r) => setTimeout(r, 50)); // the poller is going before the attack starts
  const result = await attack();
  await new Promise((r) => setTimeout(r, 100)); // and keeps going after the answer
  const { polls, slowestMs } = await health.stop();
  expect(polls).toBeGreaterThan(2);
  expect(slowestMs).toBeLessThan(HEALTH_DEADLINE_MS);
  return result;
}

async function imap(): Promise<RawClient> {
  const c = await RawClient.connect(mr.ports.imap);
  await c.waitFor(/^\* OK .*\r\n/);
  await cmd(c, 'l1 LOGIN mallory@example.test mallory-pw');
  return c;
}

/** Sends a command and returns everything up to and including its tagged response. */
async function cmd(c: RawClient, line: string, timeoutMs = 10_000): Promise<string> {
  const tag = line.split(' ')[0]!;
  const from = c.output.length;
  c.send(`${line}\r\n`);
  return c.waitFor(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`), timeoutMs, from);
}

const tagged = (out: string, tag: string) => new RegExp(`(?:^|\\r\\n)(${tag} [^\\r]*)\\r\\n`).exec(out)?.[1];

describe('attacks on the event loop', () => {
  it('LIST and LSUB with alternating wildcards against a 250-character mailbox name', async () => {
    const c = await imap();
    const long = `L${'x'.repeat(249)}`;
    expect(tagged(await cmd(c, `c1 CREATE ${long}`), 'c1')).toBe('c1 OK CREATE completed');
    expect(tagged(await cmd(c, `c2 SUBSCRIBE ${long}`), 'c2')).toBe('c2 OK SUBSCRIBE completed');
    // Before: a backtracking RegExp, time doubling with every "%*" pair; four pairs ran over a minute.
    const pattern = `${'%*'.repeat(40)}Z`;
    const listed = await whileHealthPolled(() => cmd(c, `c3 LIST "" "${pattern}"`));
    expect(tagged(listed, 'c3')).toBe('c3 OK LIST completed');
    expect(listed).not.toContain('* LIST');
    const lsub = await whileHealthPolled(() => cmd(c, `c4 LSUB "" "${'%*'.repeat(40)}x"`));
    expect(lsub).toContain(`* LSUB (\\HasNoChildren) "/" ${long}\r\n`);
    // Matching still works: the same wildcards find the long name.
    expect(await cmd(c, `c5 LIST "" "L%*%*%x"`)).toContain(`* LIST (\\HasNoChildren) "/" ${long}\r\n`);
    c.close();
  });

  it('STORE with thousands of keywords on many messages', async () => {
    const c = await imap();
    const message = 'From: a@remote.test\r\nSubject: m\r\n\r\nhello\r\n';
    for (let i = 0; i < 26; i++) await cmd(c, `a${i} APPEND INBOX {${message.length}+}\r\n${message}`);
    expect(tagged(await cmd(c, 's1 SELECT INBOX'), 's1')).toBe('s1 OK [READ-WRITE] SELECT completed');
    // Before: every keyword compared with every other, per message: 9,000 on 26 messages blocked 11 s.
    const many = Array.from({ length: 9000 }, (_, i) => `k${i}`).join(' ');
    const refused = await whileHealthPolled(() => cmd(c, `s2 STORE 1:* +FLAGS (${many})`));
    expect(tagged(refused, 's2')).toMatch(/^s2 NO \[LIMIT\] /);
    // Up to the per-message cap it works, and one more keyword on a message is refused.
    const allowed = Array.from({ length: 128 }, (_, i) => `k${i}`).join(' ');
    const stored = await whileHealthPolled(() => cmd(c, `s3 STORE 1:* FLAGS (${allowed} ${allowed})`));
    expect(tagged(stored, 's3')).toBe('s3 OK STORE completed');
    expect(stored.match(/^\* \d+ FETCH \(FLAGS \(/gm)).toHaveLength(26);
    expect(tagged(await cmd(c, 's4 STORE 1 +FLAGS (one-more)'), 's4')).toMatch(/^s4 NO \[LIMIT\] /);
    const flags = await cmd(c, 's5 FETCH 1 FLAGS');
    expect(flags).toContain(`* 1 FETCH (FLAGS (${allowed} \\Recent))`);
    c.close();
  });

  it('the parsed view of a message with deep MIME nesting or deeply nested HTML', async () => {
    const api = (path: string, init: RequestInit = {}) => mr.admin(path, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
    const inject = async (raw: string) => {
      const res = await api('/api/v1/messages', { method: 'POST', body: JSON.stringify({ from: 'a@remote.test', to: ['b@remote.test'], raw }) });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await waitFor(
        async () => (await api(`/api/v1/queue/${id}`)).json(),
        (m) => m.state === 'deferred',
        10_000,
        'the message to be deferred',
      );
      return id;
    };
    let open = '';
    let close = '';
    for (let i = 0; i < 1200; i++) {
      open += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
      close = `\n--b${i}--\n${close}`;
    }
    const deep = await inject(`Subject: deep\n${open}Content-Type: text/plain\n\nhello${close}`);
    const html = await inject(`Subject: html\nContent-Type: text/html\n\n${'<div>x'.repeat(100_000)}\n`);

    // Before: 2.5 s and more on the main thread.
    const shown = await whileHealthPolled(async () => (await api(`/api/v1/queue/${html}/content?format=parsed`)).json());
    expect(shown).toMatchObject({ subject: 'html', htmlTruncated: true });
    // Before: 500 internal error.
    const refused = await whileHealthPolled(() => api(`/api/v1/queue/${deep}/content?format=parsed`));
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_complex');
  });

  it('exports the event-loop delay the watchdog measures', async () => {
    const text = await (await mr.admin('/metrics')).text();
    expect(text).toMatch(/^mailroom_event_loop_delay_seconds_count \d+/m);
    expect(text).toContain('mailroom_event_loop_delay_seconds_bucket{le="0.1"}');
  });
});
