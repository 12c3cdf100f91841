// The load: Postfix's smtp-source, the same binary and arguments for every server. Without -A it stops
// with a non-zero exit at the first reply that is not the expected 2xx/3xx, so a clean exit means every
// message got its 250.
import { spawn } from 'node:child_process';
import { onCleanup, tail, withTimeout } from './proc.ts';

export const SMTP_SOURCE = '/usr/sbin/smtp-source';
export const SENDER = 'from@sender.bench.test';
export const RECIPIENT = 'user@bench.test';
export const HELO = 'client.bench.test';

export interface Load {
  port: number;
  messages: number;
  sizeBytes: number;
  sessions: number;
  /** smtp-source -d: send every message of a session over one connection instead of reconnecting. */
  keepConnection: boolean;
}

export function smtpSourceArgs(load: Load): string[] {
  return [
    ...(load.keepConnection ? ['-d'] : []),
    '-s',
    String(load.sessions),
    '-l',
    String(load.sizeBytes),
    '-m',
    String(load.messages),
    '-f',
    SENDER,
    '-t',
    RECIPIENT,
    '-M',
    HELO,
    `127.0.0.1:${load.port}`,
  ];
}

/** The command as a person would type it, for the report (the port varies per run). */
export function smtpSourceCommand(load: Omit<Load, 'port'>): string {
  return ['smtp-source', ...smtpSourceArgs({ ...load, port: 0 })].join(' ').replace('127.0.0.1:0', '127.0.0.1:PORT');
}

/**
 * Sends the load and resolves with the wall-clock seconds from start to smtp-source's exit. The deadline
 * allows 100 ms per message plus 60 s, far beyond any server that works.
 */
export async function sendLoad(load: Load): Promise<number> {
  const started = performance.now();
  const child = spawn(SMTP_SOURCE, smtpSourceArgs(load), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const done = new Promise<number | string>((resolve) => {
    child.once('error', (err) => resolve(`cannot run ${SMTP_SOURCE}: ${err.message}`));
    child.once('close', (code, signal) => resolve(code ?? String(signal)));
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const forget = onCleanup(
    `smtp-source (pid ${child.pid})`,
    async () => {
      kill();
      await withTimeout(done, 5_000, 'smtp-source to exit after SIGKILL');
    },
    kill,
  );
  let result: number | string;
  try {
    result = await withTimeout(done, 60_000 + load.messages * 100, 'smtp-source');
  } finally {
    await forget(); // kills it if it is still running (timeout), otherwise only unregisters
  }
  const seconds = (performance.now() - started) / 1000;
  if (result !== 0) throw new Error(`smtp-source failed (${result}): ${tail(output, 5)}`);
  return seconds;
}
