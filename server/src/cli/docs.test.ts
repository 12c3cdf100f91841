// docs/cli.md must describe every command and option commander knows about.
import fs from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.ts';

const CLI_DOC = fs.readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');

function commands(cmd: Command, prefix: string): Array<{ name: string; command: Command }> {
  return cmd.commands.flatMap((sub) => {
    const name = `${prefix} ${sub.name()}`;
    return sub.commands.length > 0 ? commands(sub, name) : [{ name, command: sub }];
  });
}

describe('docs/cli.md', () => {
  const program = buildProgram();
  const all = commands(program, 'mailroom');

  it('finds the commands it should (sanity check of the walk)', () => {
    expect(all.map((c) => c.name)).toEqual(expect.arrayContaining(['mailroom serve', 'mailroom domain add', 'mailroom account passwd', 'mailroom alias remove']));
  });

  it.each(all.map((c) => [c.name, c.command] as const))('documents %s with a heading and an example', (name, command) => {
    expect(CLI_DOC).toMatch(new RegExp(`^#{2,3} ${name}$`, 'm'));
    expect(CLI_DOC).toMatch(new RegExp(`^${name.replace(/^mailroom /, 'mailroom (--config \\S+ )?')}\\b`, 'm'));
    for (const option of command.options) {
      if (option.long) expect(CLI_DOC, `${name} ${option.long}`).toContain(option.long);
    }
  });

  it('documents the global options', () => {
    for (const option of program.options) expect(CLI_DOC).toContain(option.flags);
  });
});
