// Entry point of the `mailroom` command.
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Config } from '../config/settings.ts';
import { StoreError } from '../store/sqlite/directory.ts';
import { registerDirectoryCommands } from './directory-commands.ts';
import { serve } from './serve.ts';

const program = new Command('mailroom')
  .description('Mailroom mail server: SMTP, delivery queue, admin API.')
  .option('-c, --config <file>', 'YAML configuration file (or MAILROOM_CONFIG)')
  .showHelpAfterError()
  .exitOverride();

const config = (): Config => loadConfig({ file: program.opts<{ config?: string }>().config });

program
  .command('serve')
  .description('Run the service (admin port) and start the server (listeners and delivery).')
  .action(async () => serve(config()));

registerDirectoryCommands(program, config);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError || err instanceof StoreError) {
    process.stderr.write(`mailroom: ${err.message}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1); // 78 = EX_CONFIG
  }
  process.stderr.write(`mailroom: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
