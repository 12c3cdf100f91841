import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SocketReader } from './socket-reader.ts';

describe('SocketReader', () => {
  it('reads lines split across chunks, and exact byte counts', async () => {
    const input = new PassThrough();
    const reader = new SocketReader(input, 1024);
    input.write('first li');
    const line = reader.readLine(100);
    input.write('ne\r\nsecond\nABCDE');
    expect(await line).toEqual({ kind: 'line', line: Buffer.from('first line') });
    expect(await reader.readLine(100)).toEqual({ kind: 'line', line: Buffer.from('second') });
    expect((await reader.readBytes(3))!.toString()).toBe('ABC');
    input.end('F');
    expect(await reader.readBytes(5)).toBeNull();
  });

  it('reports an over-long line once and skips the rest of it', async () => {
    const input = new PassThrough();
    const reader = new SocketReader(input, 1024);
    input.write(`AB ${'x'.repeat(50)}`);
    const r = await reader.readLine(10);
    expect(r.kind).toBe('overflow');
    expect(r.kind === 'overflow' && r.head.toString().startsWith('AB x')).toBe(true);
    input.write(`${'y'.repeat(50)}\r\nnext\r\n`);
    expect(await reader.readLine(10)).toEqual({ kind: 'line', line: Buffer.from('next') });
    input.end();
    expect(await reader.readLine(10)).toEqual({ kind: 'eof' });
  });

  it('forgets buffered input when detached (STARTTLS)', async () => {
    const input = new PassThrough();
    const reader = new SocketReader(input, 1024);
    input.write('a1 STARTTLS\r\na2 injected\r\n');
    expect(await reader.readLine(100)).toEqual({ kind: 'line', line: Buffer.from('a1 STARTTLS') });
    reader.detach();
    expect(reader.buffered).toBe(0);
    expect(await reader.readLine(100)).toEqual({ kind: 'eof' });
  });
});
