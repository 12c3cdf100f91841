import { configureLogging, currentLine, lineField } from '../server/src/telemetry/log.ts';
import { CategorySwitches, LOG_CATEGORIES } from '../server/src/telemetry/log-categories.ts';
import { createPinoLokiStream } from '../server/src/telemetry/loki/index.ts';
import { smtpServerLogger } from '../server/src/smtp/protocol-log.ts';
import { LokiClient } from '../server/src/telemetry/loki/index.ts';

const mode = process.argv[2] ?? 'loki';
let pushed = 0;
const fakeClient = { push: () => { pushed++; } };
const realClient = new LokiClient({ url: 'http://127.0.0.1:9/loki/api/v1/push', serviceName: 'mailroom', instance: 'bench', bufferMaxBytes: 1 << 30, batchWaitMs: 100000, batchMaxBytes: 1 << 29 } as never);
const client = process.argv[3] === 'real' ? realClient : fakeClient;
await configureLogging({ level: 'info', switches: new CategorySwitches([...LOG_CATEGORIES]), streams: mode === 'loki' ? [createPinoLokiStream(client as never, process.argv[4] === 'parse' ? {} : { known: () => { const c = currentLine(); return c && { category: c.category, level: c.level, field: (n: string) => lineField(c, n) }; } })] : [] });
const log = smtpServerLogger('smtp');
const N = 200_000;
for (let round = 0; round < 3; round++) {
  const t = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    if (i % 12 === 0) await new Promise((r) => setImmediate(r));
    log.info({ tnx: 'command', cid: 'k2j3h4g5f6d7s8a9', host: '127.0.0.1', user: undefined } as never, 'C: %s', 'MAIL FROM:<from@sender.bench.test>');
  }
  const c = process.cpuUsage(c0);
  process.stderr.write(`${mode}: ${(Number(process.hrtime.bigint() - t) / 1e3 / N).toFixed(2)} us/line wall, ${((c.user + c.system) / N).toFixed(2)} us/line cpu\n`);
  await new Promise((r) => setTimeout(r, 200));
}
process.exit(0);
