import { describe, expect, it } from 'vitest';
import { watchLines } from './line-timeout.ts';

function parser() {
  const seen: string[] = [];
  return { seen, _write: (chunk: Buffer, _e: BufferEncoding, next: () => void) => (seen.push(chunk.toString()), next()) };
}

describe('watchLines', () => {
  it('reports a line trickled over longer than the limit, once, and still passes every byte on', () => {
    let clock = 0;
    let reports = 0;
    const p = parser();
    watchLines(
      p,
      30_000,
      () => reports++,
      () => clock,
    );
    for (const ch of 'EHLO slow.example') {
      p._write(Buffer.from(ch), 'binary', () => undefined);
      clock += 10_000;
    }
    expect(reports).toBe(1);
    expect(p.seen.join('')).toBe('EHLO slow.example');
  });

  it('does not report lines that end in time, however long the session lasts', () => {
    let clock = 0;
    let reports = 0;
    const p = parser();
    watchLines(
      p,
      30_000,
      () => reports++,
      () => clock,
    );
    for (let i = 0; i < 100; i++) {
      p._write(Buffer.from('NOOP'), 'binary', () => undefined);
      clock += 20_000;
      p._write(Buffer.from('\r\nNO'), 'binary', () => undefined);
      clock += 20_000;
      p._write(Buffer.from('OP\r\n'), 'binary', () => undefined);
      clock += 60_000; // idle between commands is the idle timeout's business
    }
    expect(reports).toBe(0);
  });
});
