import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { readPassword } from './password-input.ts';

const stdin = (text: string) => Readable.from([Buffer.from(text)]);

describe('readPassword', () => {
  it('takes --password as given', async () => {
    expect(await readPassword({ password: ' spaces kept ' }, stdin(''))).toBe(' spaces kept ');
  });

  it('reads --password-stdin and drops one trailing line break only', async () => {
    expect(await readPassword({ passwordStdin: true }, stdin('secret\n'))).toBe('secret');
    expect(await readPassword({ passwordStdin: true }, stdin('secret\r\n'))).toBe('secret');
    expect(await readPassword({ passwordStdin: true }, stdin('two\nlines\n\n'))).toBe('two\nlines\n');
  });

  it('refuses no password, an empty one, and both options', async () => {
    await expect(readPassword({}, stdin(''))).rejects.toThrow(CliError);
    await expect(readPassword({ password: '' }, stdin(''))).rejects.toThrow('the password must not be empty');
    await expect(readPassword({ passwordStdin: true }, stdin('\n'))).rejects.toThrow('the password must not be empty');
    await expect(readPassword({ password: 'x', passwordStdin: true }, stdin('y'))).rejects.toThrow('not both');
  });
});
