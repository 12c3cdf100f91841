// The ceiling: a bare smtp-server (the library Mailroom's listeners are built on) that reads each message
// and throws it away. Run as its own process, like the servers it is compared with:
//   BENCH_PORT=2525 BENCH_GREETING=stock|zero node --import tsx bench/smtp-throughput/baseline-server.ts
// BENCH_GREETING=stock keeps the library's hard-coded 100 ms wait before the banner; `zero` installs
// Mailroom's own patch (server/src/smtp/smtp-server-patches.ts) with a delay of 0 ms.
// On SIGTERM it prints `accepted N` and exits.
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.BENCH_PORT);
const greeting = process.env.BENCH_GREETING ?? 'stock';
if (!Number.isInteger(port) || port <= 0) throw new Error('set BENCH_PORT');
if (greeting !== 'stock' && greeting !== 'zero') throw new Error('BENCH_GREETING must be stock or zero');

if (greeting === 'zero') {
  const { installSmtpServerPatches } = await import('../../server/src/smtp/smtp-server-patches.ts');
  installSmtpServerPatches();
}

let accepted = 0;
const server = new SMTPServer({
  name: 'sink.bench.test',
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  size: 26_214_400,
  ...(greeting === 'zero' ? ({ greetingDelayMs: () => 0 } as object) : {}),
  onData(stream, _session, cb) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      accepted++;
      cb(null, 'Ok: discarded');
    });
  },
});
server.on('error', (err) => process.stderr.write(`smtp-server error: ${err.message}\n`));
server.listen(port, '127.0.0.1');

process.once('SIGTERM', () => {
  process.stdout.write(`accepted ${accepted}\n`);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
});
