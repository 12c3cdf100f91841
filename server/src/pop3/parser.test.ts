import { describe, expect, it } from 'vitest';
import { lineCount, messageNumber, parseCommand } from './parser.ts';

describe('POP3 command lines', () => {
  it('splits keyword and arguments, keeping the rest of the line for PASS', () => {
    expect(parseCommand(Buffer.from('list 2'))).toEqual({ name: 'LIST', args: ['2'], rest: '2' });
    expect(parseCommand(Buffer.from('PASS  two  spaces '))).toEqual({ name: 'PASS', args: ['two', 'spaces'], rest: ' two  spaces ' });
    expect(parseCommand(Buffer.from('PASS p\u00e4ss', 'utf8')).rest).toBe('p\u00e4ss');
  });

  it('refuses keywords that cannot be commands and control characters', () => {
    expect(() => parseCommand(Buffer.from('XY'))).toThrow('Unknown command');
    expect(() => parseCommand(Buffer.from('HELLO'))).toThrow('Unknown command');
    expect(() => parseCommand(Buffer.from(''))).toThrow('Unknown command');
    expect(() => parseCommand(Buffer.from('USER a\0b'))).toThrow('Invalid characters');
  });

  it('checks message numbers and line counts', () => {
    expect(messageNumber('12')).toBe(12);
    for (const bad of [undefined, '0', '-1', '1.5', '01', '99999999999']) expect(() => messageNumber(bad)).toThrow();
    expect(lineCount('0')).toBe(0);
    expect(() => lineCount('x')).toThrow();
  });
});
