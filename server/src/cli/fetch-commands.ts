// `mailroom fetch-account add|list|remove`: external POP3 accounts collected into local accounts. The
// password is stored as given, since it must be sent to the remote server (docs/cli.md says so).
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { DEFAULT_INTERVAL_SECONDS, defaultPort, fetchSettingsSchema } from '../fetch/account-schema.ts';
import type { FetchAccount, FetchSecurity } from '../store/fetch-account-store.ts';
import { address, out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';
import { readPassword, type PasswordOptions } from './password-input.ts';

interface AddOptions extends PasswordOptions {
  host: string;
  port?: string;
  security: string;
  verifyTls: boolean;
  user: string;
  interval: string;
  delete?: boolean;
  disabled?: boolean;
}

function describe(a: FetchAccount): string {
  const mode = a.keepOnServer ? 'keep' : 'delete';
  const state = a.enabled ? '' : ' disabled';
  const last = a.lastRunAt === null ? 'never run' : `last run ${new Date(a.lastRunAt).toISOString()}${a.lastError ? ` failed: ${a.lastError}` : ' ok'}`;
  return `${a.id}\t${a.accountAddress}\t${a.username}@${a.host}:${a.port} ${a.security}${a.verifyTls ? '' : ' no-verify'} every ${a.intervalSeconds}s ${mode}${state}\t${last}`;
}

function accountId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new CliError(`not an external account id: ${JSON.stringify(value)} (see mailroom fetch-account list)`);
  return id;
}

export function registerFetchCommands(program: Command, config: () => Config): void {
  const fetch = program.command('fetch-account').description('External POP3 accounts whose mail is collected into a local account.');
  fetch
    .command('add <local-address>')
    .description('Collect mail from a remote POP3 mailbox into a local account.')
    .requiredOption('--host <host>', 'the POP3 server')
    .option('--port <port>', 'its port (default 995 with --security tls, else 110)')
    .option('--security <mode>', 'tls (implicit TLS), starttls (STLS) or none', 'tls')
    .option('--no-verify-tls', "do not check the server's certificate (self-signed servers you trust)")
    .requiredOption('--user <name>', 'the user name on the POP3 server')
    .option('-p, --password <password>', 'its password (visible to other local users in the process list)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--interval <seconds>', 'how often to fetch', String(DEFAULT_INTERVAL_SECONDS))
    .option('--delete', 'delete messages on the server once delivered here (default: keep them)')
    .option('--disabled', 'add it switched off')
    .action((local: string, opts: AddOptions) =>
      withStore(config, async (s) => {
        const owner = await s.findAccount(address(local));
        if (!owner) throw new CliError(`no local account ${address(local)}`);
        const security = opts.security as FetchSecurity;
        const parsed = fetchSettingsSchema.safeParse({
          host: opts.host,
          port: opts.port === undefined ? defaultPort(security) : Number(opts.port),
          security,
          verifyTls: opts.verifyTls,
          username: opts.user,
          password: await readPassword(opts),
          intervalSeconds: Number(opts.interval),
          keepOnServer: !opts.delete,
          enabled: !opts.disabled,
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          // Never echo the value: it may be the password.
          throw new CliError(`${issue.path.join('.') === 'intervalSeconds' ? 'interval' : issue.path.join('.')}: ${issue.message}`);
        }
        const added = await s.addFetchAccount({ ...parsed.data, accountId: owner.id }, Date.now());
        out(`added external account ${added.id}: ${describe(added)}`);
      }),
    );
  fetch
    .command('list')
    .description('List external accounts (id, local account, server, schedule, last run).')
    .action(() => withStore(config, async (s) => (await s.listFetchAccounts()).forEach((a) => out(describe(a)))));
  fetch
    .command('remove <id>')
    .description('Remove an external account (mail already fetched stays).')
    .action((id: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeFetchAccount(accountId(id)))) throw new CliError(`no external account ${id}`);
        out(`removed external account ${id}`);
      }),
    );
}
