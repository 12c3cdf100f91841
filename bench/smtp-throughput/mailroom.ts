// Mailroom as an operator runs it: `mailroom serve` from the repository, a fresh data directory, the
// domain and account made with the CLI, only the MX listener on a free loopback port.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { HELO, RECIPIENT, SENDER } from './load.ts';
import { TestDnsServer } from '../../server/test/helpers/dns-server.ts';
import { createBenchDatabase, type BenchDatabase } from './postgres-database.ts';
import { Child, freePort, makeTempDir, onCleanup, runCommand, waitForPort } from './proc.ts';
import type { RunningServer, Target } from './target.ts';

export const MAILROOM_BIN = fileURLToPath(new URL('../../server/bin/mailroom.js', import.meta.url));

export interface MailroomOptions {
  /** MAILROOM_SMTP_GREETING_DELAY_MS; undefined keeps Mailroom's default (100 ms). */
  greetingDelayMs?: number;
  /** MAILROOM_TRUSTED_NETWORKS=127.0.0.1/32: trusted clients get no greeting delay. */
  trustLoopback?: boolean;
  /** Extra node flags for the server process, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** false: MAILROOM_DATABASE_ACCEPT_WORKER=false, accepted mail is committed on the main thread. */
  acceptWorker?: boolean;
  /** MAILROOM_SMTP_GREETING_PASS_TTL_SECONDS; undefined keeps the default (a pass is remembered for a day). */
  greetingPassTtlSeconds?: number;
  /** The store on a fresh PostgreSQL database (MAILROOM_DATABASE_URL) instead of SQLite in the data directory. */
  postgres?: boolean;
  /** smtp.sender_auth on (SPF, DKIM, DMARC, ARC of every MX message), DNS answered by a server on loopback. */
  senderAuth?: boolean;
}

/**
 * The sender's records as a real domain would publish them: SPF allowing 127.0.0.1 and a DMARC policy.
 * smtp-source does not sign, so DKIM finds no signature (dkim=none) and DMARC passes on SPF alone.
 */
async function senderDns(): Promise<TestDnsServer> {
  const domain = SENDER.split('@')[1]!;
  const dns = await TestDnsServer.start({
    [domain]: { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    [`_dmarc.${domain}`]: { TXT: [`v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`] },
    [HELO]: { A: ['127.0.0.1'] },
    '1.0.0.127.in-addr.arpa': { PTR: [HELO] },
  });
  onCleanup('DNS server for the sender checks', () => dns.close());
  return dns;
}

/** The inherited environment without any MAILROOM_* variable, so a developer's settings cannot leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAILROOM_')));
}

export async function startMailroom(opts: MailroomOptions = {}): Promise<RunningServer> {
  const dataDir = makeTempDir('mailroom-bench-');
  const database: BenchDatabase | null = opts.postgres ? await createBenchDatabase() : null;
  const dns = opts.senderAuth ? await senderDns() : null;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    MAILROOM_DATA_DIR: dataDir,
    MAILROOM_BIND: '127.0.0.1',
    MAILROOM_HOSTNAME: 'mx.mailroom-bench.test',
    MAILROOM_SMTP_PORT: String(port),
    MAILROOM_SUBMISSION_PORT: 'off',
    MAILROOM_POP3_PORT: 'off',
    MAILROOM_IMAP_PORT: 'off',
    MAILROOM_ADMIN_PORT: String(await freePort()),
    // Every smtp-source session comes from 127.0.0.1, and MX sessions never log in: the per-address cap on
    // sessions not logged in (limits.max_unauthenticated_per_ip, 10) would refuse most of them with 421.
    MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: '1000',
    ...(opts.greetingDelayMs !== undefined ? { MAILROOM_SMTP_GREETING_DELAY_MS: String(opts.greetingDelayMs) } : {}),
    ...(opts.trustLoopback ? { MAILROOM_TRUSTED_NETWORKS: '127.0.0.1/32' } : {}),
    ...(opts.acceptWorker === false ? { MAILROOM_DATABASE_ACCEPT_WORKER: 'false' } : {}),
    ...(opts.greetingPassTtlSeconds !== undefined ? { MAILROOM_SMTP_GREETING_PASS_TTL_SECONDS: String(opts.greetingPassTtlSeconds) } : {}),
    ...(database ? { MAILROOM_DATABASE_URL: database.url } : {}),
    ...(dns ? { MAILROOM_SMTP_SENDER_AUTH: 'true', MAILROOM_DNS_SERVERS: dns.address } : {}),
  };
  const cli = (...args: string[]) => runCommand(process.execPath, [MAILROOM_BIN, ...args], { env, timeoutMs: 60_000 });
  await cli('domain', 'add', RECIPIENT.split('@')[1]!);
  await cli('account', 'add', RECIPIENT, '--password', 'bench password');

  const server = new Child('mailroom serve', process.execPath, [...(opts.nodeFlags ?? []), MAILROOM_BIN, 'serve'], env);
  await waitForPort(port, 30_000, () => server.deadReason());
  if (database) {
    return {
      port,
      pid: server.proc.pid,
      progress: () => database.progress(),
      async stop() {
        await server.stop();
        await database.drop();
        return {};
      },
    };
  }

  // Read-only, so it never takes the write lock; polled only outside the timed window.
  const db = new Database(path.join(dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
  const close = () => {
    if (db.open) db.close();
  };
  const closeDb = onCleanup('benchmark reader of mailroom.db', close, close);
  const countMail = db.prepare('SELECT COUNT(*) FROM mail').pluck();
  const countQueued = db.prepare('SELECT COUNT(*) FROM queue_messages').pluck();

  return {
    port,
    pid: server.proc.pid,
    progress: () => ({ delivered: countMail.get() as number, queued: countQueued.get() as number }),
    async stop() {
      await closeDb();
      await server.stop();
      return {};
    },
  };
}

export const mailroomTargets: Target[] = [
  {
    id: 'mailroom',
    label: 'Mailroom, greeting delay 0 ms',
    notes:
      'MAILROOM_SMTP_GREETING_DELAY_MS=0, logging at its defaults (no line per message, where Postfix logs every message). 250 after the message is committed to SQLite (WAL, synchronous=FULL) and filed into the INBOX in that same transaction. The commit runs in a worker thread with its own connection, one batch at a time: the messages that finish while one commits make the next batch, and the main thread keeps serving SMTP.',
    start: () => startMailroom({ greetingDelayMs: 0 }),
  },
  {
    id: 'mailroom-postgres',
    label: 'Mailroom on PostgreSQL, greeting delay 0 ms',
    notes:
      "As 'Mailroom, greeting delay 0 ms' with the store on the machine's PostgreSQL (MAILROOM_DATABASE_URL, a fresh database per run, synchronous_commit on): 250 after COMMIT; messages that finish together share a transaction (group commit) and local recipients are filed in it. PostgreSQL shares the same two cores with the load generator and the server.",
    start: () => startMailroom({ greetingDelayMs: 0, postgres: true }),
  },
  {
    id: 'mailroom-sender-auth',
    label: 'Mailroom with SPF/DKIM/DMARC checks, greeting delay 0 ms',
    notes:
      "As 'Mailroom, greeting delay 0 ms' with MAILROOM_SMTP_SENDER_AUTH=true: every message gets SPF (the sender domain's record allows 127.0.0.1), DKIM (unsigned: none), DMARC (p=reject, passes on SPF) and ARC checks through mailauth and an Authentication-Results header. DNS answered by a loopback server in the benchmark process (bench's copy of the tests' DNS server), so no lookup leaves the machine (and none is cached by Mailroom: each message asks again).",
    start: () => startMailroom({ greetingDelayMs: 0, senderAuth: true }),
  },
  {
    id: 'mailroom-main-thread',
    label: 'Mailroom, greeting delay 0 ms, commits on the main thread',
    notes:
      'As above with MAILROOM_DATABASE_ACCEPT_WORKER=false: the same transaction on the main thread, which waits for each fsync; only messages whose data ends in the same event-loop turn share a commit. The design before the accept worker, kept for comparison.',
    start: () => startMailroom({ greetingDelayMs: 0, acceptWorker: false }),
  },
  {
    id: 'mailroom-trusted',
    label: 'Mailroom, default delay, 127.0.0.1/32 trusted',
    notes: 'MAILROOM_TRUSTED_NETWORKS=127.0.0.1/32 with the default greeting delay: trusted clients are greeted at once (and may relay).',
    start: () => startMailroom({ trustLoopback: true }),
  },
  {
    id: 'mailroom-default',
    label: 'Mailroom, default greeting delay 100 ms',
    notes:
      'An untrusted MX client the greeting check does not remember (MAILROOM_SMTP_GREETING_PASS_TTL_SECONDS=0): each connection waits 100 ms before the banner (early-talker check), so 20 sessions with a new connection per message cannot exceed 20 / 0.1 s = 200 messages/s. With the default a client that passed once is greeted at once for a day, and every load client here shares 127.0.0.1.',
    start: () => startMailroom({ greetingPassTtlSeconds: 0 }),
  },
];
