// The `mailroom` command tree. Built by a function so the documentation test can list every command
// without running one.
import { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/settings.ts';
import { VERSION } from '../service/version.ts';
import { registerBackupCommands } from './backup-commands.ts';
import { registerBanCommands } from './ban-commands.ts';
import { registerDkimCommands } from './dkim-commands.ts';
import { registerDbCommands } from './db-commands.ts';
import { registerDirectoryCommands } from './directory-commands.ts';
import { registerFetchCommands } from './fetch-commands.ts';
import { registerQuotaCommands } from './quota-commands.ts';
import { registerListCommands } from './list-commands.ts';
import { registerRouteCommands } from './route-commands.ts';
import { registerTokenCommands } from './token-commands.ts';
import { auditCliChange } from './audit-cli.ts';

export function buildProgram(): Command {
  const program = new Command('mailroom')
    .description('Mailroom mail server: SMTP, delivery queue, admin API.')
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'YAML configuration file (or MAILROOM_CONFIG)')
    .showHelpAfterError()
    .exitOverride();

  const config = (): Config => loadConfig({ file: program.opts<{ config?: string }>().config });

  program
    .command('serve')
    .description('Run the service (admin port) and start the server (listeners and delivery).')
    .action(async () => {
      // A bad configuration is refused before the server's modules load; they load only for `serve`
      // (protocols, scanners, DKIM: most of a command's start time).
      const settings = config();
      const { serve } = await import('./serve.ts');
      await serve(settings, config);
    });

  registerDirectoryCommands(program, config);
  registerQuotaCommands(program, config);
  registerFetchCommands(program, config);
  registerBanCommands(program, config);
  registerDkimCommands(program, config);
  registerRouteCommands(program, config);
  registerListCommands(program, config);
  registerTokenCommands(program, config);
  registerBackupCommands(program, config);
  registerDbCommands(program, config);
  // Every change made here lands in the audit trail (after it succeeded), as the admin API's do.
  program.hook('postAction', (_program, action) => auditCliChange(action, config));
  return program;
}
