import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputWriter, chunks, type OutputSocket } from './output-writer.ts';

/** A socket whose client reads only when the test says so; it behaves like net.Socket's buffer. */
class SlowSocket extends EventEmitter implements OutputSocket {
  readonly writableHighWaterMark = 16 * 1024;
  writableNeedDrain = false;
  destroyed = false;
  private buffered: Buffer[] = [];
  writableLength = 0;
  received: Buffer[] = [];
  /** The most the socket ever held unsent. */
  peak = 0;

  write(chunk: Buffer): boolean {
    this.buffered.push(chunk);
    this.writableLength += chunk.length;
    this.peak = Math.max(this.peak, this.writableLength);
    if (this.writableLength >= this.writableHighWaterMark) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }

  /** The client reads up to n bytes. */
  read(n: number): void {
    let left = n;
    while (left > 0 && this.buffered.length > 0) {
      const head = this.buffered[0]!;
      const take = Math.min(left, head.length);
      this.received.push(head.subarray(0, take));
      if (take === head.length) this.buffered.shift();
      else this.buffered[0] = head.subarray(take);
      this.writableLength -= take;
      left -= take;
    }
    if (this.writableLength === 0 && this.writableNeedDrain) {
      this.writableNeedDrain = false;
      this.emit('drain');
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

const CAP = 256 * 1024;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('OutputWriter', () => {
  it('hands the responses written within one tick to the socket as one batch (cork until the next tick)', async () => {
    /** net.Socket's cork: writes are held, and handed to the kernel as one writev at uncork. */
    class CorkingSocket extends SlowSocket {
      private corks = 0;
      private held: Buffer[] = [];
      readonly batches: Buffer[][] = [];
      cork(): void {
        this.corks++;
      }
      uncork(): void {
        if (--this.corks === 0 && this.held.length > 0) {
          this.batches.push(this.held);
          this.held = [];
        }
      }
      override write(chunk: Buffer): boolean {
        if (this.corks > 0) this.held.push(chunk);
        else this.batches.push([chunk]);
        return super.write(chunk);
      }
    }
    const socket = new CorkingSocket();
    const writer = new OutputWriter(() => socket, { capBytes: CAP, timeoutMs: 60_000, onTimeout: () => undefined });
    const sent = Array.from({ length: 100 }, (_, i) => writer.write(`* ${i + 1} FETCH (FLAGS ())\r\n`));
    await Promise.all(sent);
    await tick();
    expect(socket.batches).toHaveLength(1);
    expect(Buffer.concat(socket.batches[0]!).toString()).toBe(Array.from({ length: 100 }, (_, i) => `* ${i + 1} FETCH (FLAGS ())\r\n`).join(''));
    await writer.write('a1 OK FETCH completed\r\n');
    await tick();
    expect(socket.batches).toHaveLength(2);
  });

  it('never lets the socket hold more than the cap, and delivers every byte in order', async () => {
    const socket = new SlowSocket();
    const writer = new OutputWriter(() => socket, { capBytes: CAP, timeoutMs: 60_000, onTimeout: () => undefined });
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    let finished = false;
    const done = writer.write([Buffer.from('* 1 FETCH (BODY[] {5242880}\r\n'), body, Buffer.from(')\r\n')]).then(() => (finished = true));
    // The client reads a little at a time, far less than the writer would like to send.
    while (!finished) {
      await tick();
      expect(socket.writableLength).toBeLessThanOrEqual(CAP);
      socket.read(7000);
    }
    await done;
    socket.read(Infinity);
    expect(socket.peak).toBeLessThanOrEqual(CAP);
    expect(Buffer.concat(socket.received).equals(Buffer.concat([Buffer.from('* 1 FETCH (BODY[] {5242880}\r\n'), body, Buffer.from(')\r\n')]))).toBe(true);
  });

  it('waits without bound in memory for a client that does not read', async () => {
    const socket = new SlowSocket();
    const writer = new OutputWriter(() => socket, { capBytes: CAP, timeoutMs: 60_000, onTimeout: () => undefined });
    let settled = false;
    void writer.write(Buffer.alloc(20 * 1024 * 1024)).then(() => (settled = true));
    for (let i = 0; i < 20; i++) await tick();
    expect(settled).toBe(false);
    expect(socket.writableLength).toBeLessThanOrEqual(CAP);
    expect(socket.writableLength).toBeGreaterThan(0);
    socket.destroy();
    await tick();
    expect(settled).toBe(true);
  });

  it('gives up on a client that leaves the buffer full until the timeout, and writes nothing more', async () => {
    vi.useFakeTimers();
    const socket = new SlowSocket();
    const onTimeout = vi.fn();
    const writer = new OutputWriter(() => socket, { capBytes: CAP, timeoutMs: 120_000, onTimeout });
    const first = writer.write(Buffer.alloc(1024 * 1024));
    await vi.advanceTimersByTimeAsync(119_000);
    expect(onTimeout).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    await first;
    expect(onTimeout).toHaveBeenCalledOnce();
    expect(onTimeout.mock.calls[0]![0]).toBe(socket.writableLength);
    const held = socket.writableLength;
    await writer.write('a2 OK done\r\n');
    expect(socket.writableLength).toBe(held);
  });

  it('keeps two responses whole when they are written at the same time', async () => {
    const socket = new SlowSocket();
    const writer = new OutputWriter(() => socket, { capBytes: CAP, timeoutMs: 60_000, onTimeout: () => undefined });
    const big = Buffer.alloc(1024 * 1024, 'a');
    const both = Promise.all([writer.write(big), writer.write('* 2 EXISTS\r\n')]);
    let done = false;
    void both.then(() => (done = true));
    while (!done) {
      await tick();
      socket.read(50_000);
    }
    socket.read(Infinity);
    expect(Buffer.concat(socket.received).toString('latin1')).toBe(`${big.toString('latin1')}* 2 EXISTS\r\n`);
  });
});

describe('chunks', () => {
  const text = (bufs: Iterable<Buffer>) => [...bufs].map((b) => b.toString());

  it('gathers small pieces and cuts large ones into chunks of the given size', () => {
    expect(text(chunks([Buffer.from('ab'), Buffer.from('cdefghij'), Buffer.from('k')], 4))).toEqual(['abcd', 'efgh', 'ijk']);
  });

  it('hands out a large piece as views of itself, without copying', () => {
    const big = Buffer.from('0123456789');
    const out = [...chunks([big], 5)];
    expect(out.map((b) => b.buffer === big.buffer)).toEqual([true, true]);
  });

  it('yields nothing for nothing', () => {
    expect([...chunks([Buffer.alloc(0)], 4)]).toEqual([]);
  });
});
