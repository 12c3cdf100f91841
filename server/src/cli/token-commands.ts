// `mailroom token create|list|revoke`: admin API tokens kept as digests in the data directory
// (admin/issued-tokens.ts). A running server accepts a new token and refuses a revoked one at once.
// `create` prints the token alone on stdout (so `TOKEN=$(mailroom token create ...)` works) and what it
// made on stderr; the token is never shown again.
import type { Command } from 'commander';
import { IssuedTokenError, IssuedTokens, ROLES } from '../admin/issued-tokens.ts';
import type { Config } from '../config/settings.ts';
import { out } from './directory-commands.ts';
import { CliError } from './errors.ts';

function tokens(config: () => Config): IssuedTokens {
  return new IssuedTokens(config().data_dir);
}

function cliErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IssuedTokenError) throw new CliError(err.message);
    throw err;
  }
}

export function registerTokenCommands(program: Command, config: () => Config): void {
  const token = program.command('token').description('Admin API tokens kept (hashed) in the data directory, beside admin.token and admin.tokens.');
  token
    .command('create')
    .description('Make a token, print it once; the running server accepts it at once.')
    .requiredOption('--role <role>', `what the token may do: ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'a name for audit lines and for revoking it, e.g. grafana or alice')
    .action((opts: { role: string; name: string }) => {
      const made = cliErrors(() => tokens(config).create(opts.name, opts.role));
      process.stdout.write(`${made.token}\n`);
      process.stderr.write(`created ${made.entry.role} token "${made.entry.name}"; it is shown only now: keep it safe\n`);
    });
  token
    .command('list')
    .description('List issued tokens: name, role, creation time (never the token).')
    .action(() => {
      for (const t of cliErrors(() => tokens(config).list())) out(`${t.name}\t${t.role}\tcreated ${t.createdAt}`);
    });
  token
    .command('revoke <name>')
    .description('Remove an issued token; the running server refuses it at once.')
    .action((name: string) => {
      if (!cliErrors(() => tokens(config).revoke(name))) throw new CliError(`no issued token named ${name}`);
      out(`revoked token ${name}`);
    });
}
