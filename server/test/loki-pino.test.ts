// The real pino logger, through pino.multistream and our destination, into the Loki client: category
// becomes the stream, level, session, queue id, client IP and user become structured metadata, pino's
// time becomes the timestamp, and the line is pino's JSON unchanged.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LokiClient, createPinoLokiStream } from '../src/telemetry/loki/index.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';

let receiver: LokiReceiver;
let client: LokiClient;

beforeAll(async () => {
  receiver = await LokiReceiver.start();
  client = new LokiClient({ url: receiver.url, instance: 'h1', structuredMetadata: true, batchWaitMs: 20 });
});
afterAll(async () => {
  await client.close(1000);
  await receiver.close();
});

describe('pino destination', () => {
  it('turns pino lines into Loki entries with bounded labels and structured metadata', async () => {
    const root = pino({ level: 'debug', base: { service: 'mailroom' } }, pino.multistream([{ stream: createPinoLokiStream(client), level: 'debug' }]));
    const smtp = root.child({ category: 'smtp' });
    smtp.child({ session: 'S9' }).info({ remote: '192.0.2.10' }, 'connected');
    smtp.child({ session: 'S9' }).warn({ user: 'alice@example.test' }, 'authentication failed');
    root.child({ category: 'delivery' }).child({ queueId: 'Q7' }).error({ err: 'timeout' }, 'delivery attempt');
    root.debug('no category');
    expect(await client.flush(10_000)).toBe(true);

    const got = receiver.accepted();
    expect(got).toHaveLength(4);
    const byMsg = Object.fromEntries(got.map((e) => [(JSON.parse(e.line) as { msg: string }).msg, e]));
    expect(byMsg.connected!.labelSet).toEqual({ service_name: 'mailroom', instance: 'h1', category: 'smtp' });
    expect(byMsg.connected!.metadata).toEqual({ level: 'info', session_id: 'S9', client_ip: '192.0.2.10' });
    expect(byMsg['authentication failed']!.metadata).toEqual({ level: 'warn', session_id: 'S9', user: 'alice@example.test' });
    expect(byMsg['delivery attempt']!.labelSet.category).toBe('delivery');
    expect(byMsg['delivery attempt']!.metadata).toEqual({ level: 'error', queue_id: 'Q7' });
    expect(byMsg['no category']!.labelSet.category).toBe('application');
    expect(byMsg['no category']!.metadata).toEqual({ level: 'debug' });
    for (const e of got) {
      const line = JSON.parse(e.line) as { time: number; level: number };
      expect(e.ts / 1_000_000n).toBe(BigInt(line.time)); // pino's millisecond, plus an ordering offset in ns
      expect(e.line.endsWith('\n')).toBe(false);
    }
    expect(JSON.parse(byMsg.connected!.line)).toMatchObject({ category: 'smtp', session: 'S9', remote: '192.0.2.10', level: 30 });
  });

  it('keeps a line that is not JSON, as plain text in the default category', async () => {
    const before = receiver.accepted().length;
    createPinoLokiStream(client, { defaultCategory: 'debug' }).write('not json at all\n');
    expect(await client.flush(10_000)).toBe(true);
    const e = receiver.accepted()[before]!;
    expect(e.line).toBe('not json at all');
    expect(e.labelSet.category).toBe('debug');
    expect(e.metadata).toEqual({ level: 'info' });
  });
});
