// limits.max_output_buffer_bytes reaches the writer: over a real loopback connection whose client does not
// read, a large response stalls once the kernel's buffers are full, and what the server then holds in the
// socket is at most the setting (with the default, far more).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { openLineConnection } from './line-connection.ts';

/** Sends 16 MiB to a client that never reads; resolves with the socket's writableLength once writing has stalled. */
async function heldWhenStalled(env: Record<string, string>): Promise<number> {
  const config = loadConfig({ env, warn: () => undefined });
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.pause();
  const socket = await new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const connection = openLineConnection(socket, {
    protocol: 'imap',
    sessionId: 'test',
    config,
    events: new EventBus(),
    log: logger('imap'),
    inputBufferMaxBytes: 64 * 1024,
    idleTimeoutMs: 60_000,
    idleGoodbye: '* BYE\r\n',
  });
  void connection.write(Buffer.alloc(16 * 1024 * 1024, 0x78)).catch(() => undefined);
  // Stalled: the bytes handed to the socket stop changing for a while.
  let last = -1;
  let steady = 0;
  while (steady < 20) {
    await new Promise((r) => setTimeout(r, 10));
    const now = socket.bytesWritten + socket.writableLength;
    steady = now === last ? steady + 1 : 0;
    last = now;
  }
  const held = socket.writableLength;
  connection.close();
  client.destroy();
  socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  return held;
}

describe('LineConnection output cap', () => {
  it('holds at most limits.max_output_buffer_bytes for a client that does not read', async () => {
    const lowered = await heldWhenStalled({ MAILROOM_LIMITS_MAX_OUTPUT_BUFFER_BYTES: String(32 * 1024) });
    const byDefault = await heldWhenStalled({});
    expect(lowered).toBeGreaterThan(0);
    expect(lowered).toBeLessThanOrEqual(32 * 1024);
    // The default (256 KiB) lets a chunk of 240 KiB wait: the lowered setting is what held the first back.
    expect(byDefault).toBeGreaterThan(32 * 1024);
    expect(byDefault).toBeLessThanOrEqual(256 * 1024);
  });
});
