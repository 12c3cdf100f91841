// The Loki client's ceiling: how many lines per second it ships when nothing else runs. Under the SMTP
// load the client only ever sees the lines the server writes (and keeps up with them), so that rate
// says nothing about how far it could go. Here the same path as in the server (pino's JSON line →
// createPinoLokiStream → LokiClient: parse, queue, batch, protobuf, snappy, HTTP) is fed as fast as
// the client's buffer allows, in this process, against the same receiver.
import { LokiClient, createPinoLokiStream } from '../../server/src/telemetry/loki/index.ts';
import { withTimeout } from '../smtp-throughput/proc.ts';
import { TinyLokiReceiver } from './receiver.ts';

export interface Ceiling {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  /** Bytes of JSON lines shipped per second. */
  bytesPerSecond: number;
  requests: number;
  /** CPU of this process (client and receiver) per wall second, 1 core = 1. */
  cpu: number;
}

/** Keep at most this much waiting in the client, well under its 16 MiB buffer, so nothing is dropped. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** A line as the smtp category writes it (one command of a session), varied per line. */
function sampleLine(i: number, now: number): string {
  return `${JSON.stringify({
    level: 30,
    time: now + Math.floor(i / 20),
    service: 'mailroom',
    category: i % 9 === 0 ? 'tcpip' : 'smtp',
    session: `s${(i / 18) | 0}x4kq2`,
    remote: '127.0.0.1',
    listener: 'smtp',
    event: 'command',
    msg: `C: RCPT TO:<user${i % 5000}@bench.test> ORCPT=rfc822;user${i % 5000}@bench.test`,
  })}\n`;
}

export async function lokiCeiling(lines: number): Promise<Ceiling> {
  const receiver = await TinyLokiReceiver.start();
  const client = new LokiClient({ url: receiver.url, serviceName: 'mailroom', instance: 'bench' });
  const stream = createPinoLokiStream(client);
  try {
    const now = Date.now();
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < lines;) {
      if (client.snapshot().bufferedBytes > HIGH_WATER_BYTES) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      for (const end = Math.min(lines, i + 500); i < end; i++) {
        const line = sampleLine(i, now);
        bytes += line.length;
        stream.write(line);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!(await client.flush(120_000))) throw new Error('the Loki client did not drain within 120 s');
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const snapshot = client.snapshot();
    const dropped = Object.values(snapshot.droppedEntries).reduce((a, b) => a + b, 0);
    if (dropped > 0) throw new Error(`the Loki client dropped ${dropped} lines`);
    const received = receiver.received();
    if (received.entries !== lines) throw new Error(`the receiver decoded ${received.entries} entries of ${lines}`);
    return { lines, seconds, linesPerSecond: lines / seconds, bytesPerSecond: bytes / seconds, requests: received.requests, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
  } finally {
    await withTimeout(client.close(1000), 5000, 'Loki client close').catch(() => undefined);
    await receiver.close();
  }
}
