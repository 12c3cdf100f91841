// `mailroom serve` as an operator runs it, for the queue, IMAP and logging benchmarks: the repository's
// bin on free loopback ports, a data directory (made here, or one prepared by the caller), an admin
// token, every listener off unless asked for. Stopped and its directory removed by the cleanup list
// of ../smtp-throughput/proc.ts (also on a failure or Ctrl-C).
import { fileURLToPath } from 'node:url';
import { Child, freePort, makeTempDir, runCommand, waitForPort } from '../smtp-throughput/proc.ts';

export const MAILROOM_BIN = fileURLToPath(new URL('../../server/bin/mailroom.js', import.meta.url));
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export type Listener = 'smtp' | 'imap';

export interface ServeOptions {
  /** An existing data directory (e.g. with a prepared mailroom.db); a new temporary one otherwise. */
  dataDir?: string;
  /** Listeners to open on free ports; the admin port always is. */
  listeners?: Listener[];
  /** More MAILROOM_* settings. */
  env?: Record<string, string>;
  /** Node flags for the server process. */
  nodeFlags?: string[];
}

export interface RunningMailroom {
  pid: number | undefined;
  dataDir: string;
  ports: { admin: number; smtp: number | null; imap: number | null };
  env: NodeJS.ProcessEnv;
  /** Runs the mailroom CLI against this instance's data directory. */
  cli(...args: string[]): Promise<string>;
  /** An admin API request with the admin token; resolves with the response (body not read). */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** Output so far (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The inherited environment without any MAILROOM_* variable, so a developer's settings cannot leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAILROOM_')));
}

/** The environment for a data directory and ports: only what the benchmark asks for is on. */
export async function serveEnv(opts: ServeOptions): Promise<{ env: NodeJS.ProcessEnv; dataDir: string; ports: RunningMailroom['ports'] }> {
  const dataDir = opts.dataDir ?? makeTempDir('mailroom-bench-');
  const listeners = new Set(opts.listeners ?? []);
  const ports = {
    admin: await freePort(),
    smtp: listeners.has('smtp') ? await freePort() : null,
    imap: listeners.has('imap') ? await freePort() : null,
  };
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    MAILROOM_DATA_DIR: dataDir,
    MAILROOM_BIND: '127.0.0.1',
    MAILROOM_HOSTNAME: 'mx.mailroom-bench.test',
    MAILROOM_ADMIN_PORT: String(ports.admin),
    MAILROOM_ADMIN_TOKEN: ADMIN_TOKEN,
    MAILROOM_SMTP_PORT: ports.smtp === null ? 'off' : String(ports.smtp),
    MAILROOM_SUBMISSION_PORT: 'off',
    MAILROOM_POP3_PORT: 'off',
    MAILROOM_IMAP_PORT: ports.imap === null ? 'off' : String(ports.imap),
    MAILROOM_LOG_LEVEL: 'warn',
    // Every load session comes from 127.0.0.1, and MX sessions never log in: the per-address cap on
    // sessions not logged in (limits.max_unauthenticated_per_ip, 10) would refuse most of them with 421.
    MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: '1000',
    ...opts.env,
  };
  return { env, dataDir, ports };
}

export async function startMailroomServe(opts: ServeOptions = {}): Promise<RunningMailroom> {
  const { env, dataDir, ports } = await serveEnv(opts);
  const cli = (...args: string[]) => runCommand(process.execPath, [MAILROOM_BIN, ...args], { env, timeoutMs: 120_000 });
  const server = new Child('mailroom serve', process.execPath, [...(opts.nodeFlags ?? []), MAILROOM_BIN, 'serve'], env);
  // Opening a large queue can take a while (a migration step runs once per database).
  for (const port of [ports.admin, ports.smtp, ports.imap]) if (port !== null) await waitForPort(port, 300_000, () => server.deadReason());
  const base = `http://127.0.0.1:${ports.admin}`;
  return {
    pid: server.proc.pid,
    dataDir,
    ports,
    env,
    cli,
    admin: (path, init = {}) =>
      fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(600_000) }),
    output: () => server.output,
    stop: () => server.stop(),
  };
}
