// `mailroom domain|account|alias ...`: directory management on the configured database.
import type { Command } from 'commander';
import { hashPassword } from '../auth/password.ts';
import type { Config } from '../config/settings.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { parseAddress } from '../util/address.ts';
import { CliError } from './errors.ts';
import { readPassword, type PasswordOptions } from './password-input.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const MAX_ALIAS_DEPTH = 8;

export async function withStore<T>(config: () => Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function address(value: string): string {
  const parsed = parseAddress(value);
  if (!parsed) throw new CliError(`not a valid address: ${JSON.stringify(value)} (expected local-part@domain)`);
  return parsed.normalized;
}

function domainName(value: string): string {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (name.length > 253 || !name.split('.').every((l) => LABEL.test(l))) {
    throw new CliError(`not a valid domain name: ${JSON.stringify(value)} (letters, digits and hyphens, labels separated by dots)`);
  }
  return name;
}

/** An alias whose chain leads back to itself would make every message to it "user unknown". */
async function refuseAliasLoop(store: Store, alias: string, target: string): Promise<void> {
  let current = target;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    if (current.toLowerCase() === alias.toLowerCase()) throw new CliError(`alias ${alias} -> ${target} would make a loop`);
    const next = await store.findAlias(current);
    if (!next) return;
    current = next.target;
  }
  throw new CliError(`alias ${alias} -> ${target} would make a chain longer than ${MAX_ALIAS_DEPTH} aliases`);
}

export const out = (line: string) => process.stdout.write(`${line}\n`);

const passwordOptions = (cmd: Command, what: string): Command =>
  cmd.option('-p, --password <password>', `${what} (visible to other local users in the process list)`).option('--password-stdin', `read ${what} from standard input`);

export function registerDirectoryCommands(program: Command, config: () => Config): void {
  const domain = program.command('domain').description('Local domains: mail for them is delivered here.');
  domain
    .command('add <name>')
    .description('Add a local domain.')
    .action((name: string) =>
      withStore(config, async (s) => {
        await s.addDomain(domainName(name));
        out(`added domain ${domainName(name)}`);
      }),
    );
  domain
    .command('list')
    .description('List local domains.')
    .action(() => withStore(config, async (s) => (await s.listDomains()).forEach(out)));
  domain
    .command('remove <name>')
    .description('Remove a domain with its accounts, mailboxes and aliases.')
    .action((name: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeDomain(domainName(name)))) throw new CliError(`no domain ${domainName(name)}`);
        out(`removed domain ${domainName(name)}`);
      }),
    );

  const account = program.command('account').description('Mail accounts (each gets INBOX, Sent, Drafts, Trash, Junk).');
  passwordOptions(account.command('add <address>').description('Add an account in a local domain.'), 'the account password').action((addr: string, opts: PasswordOptions) =>
    withStore(config, async (s) => {
      const a = await s.addAccount(address(addr), await hashPassword(await readPassword(opts)));
      out(`added account ${a.address}`);
    }),
  );
  account
    .command('list')
    .description('List accounts.')
    .action(() => withStore(config, async (s) => (await s.listAccounts()).forEach((a) => out(a.address))));
  account
    .command('remove <address>')
    .description('Remove an account and its mail.')
    .action((addr: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeAccount(address(addr)))) throw new CliError(`no account ${address(addr)}`);
        out(`removed account ${address(addr)}`);
      }),
    );
  passwordOptions(account.command('passwd <address>').description("Change an account's password."), 'the new password').action((addr: string, opts: PasswordOptions) =>
    withStore(config, async (s) => {
      const password = await readPassword(opts);
      if (!(await s.setPassword(address(addr), await hashPassword(password)))) throw new CliError(`no account ${address(addr)}`);
      out(`changed password of ${address(addr)}`);
    }),
  );

  const alias = program.command('alias').description('Aliases: another address for an account, or a forward to any address.');
  alias
    .command('add <address> <target>')
    .description('Add an alias in a local domain; the target may be local or remote.')
    .action((addr: string, target: string) =>
      withStore(config, async (s) => {
        await refuseAliasLoop(s, address(addr), address(target));
        await s.addAlias(address(addr), address(target));
        out(`added alias ${address(addr)} -> ${address(target)}`);
      }),
    );
  alias
    .command('list')
    .description('List aliases.')
    .action(() => withStore(config, async (s) => (await s.listAliases()).forEach((a) => out(`${a.address} -> ${a.target}`))));
  alias
    .command('remove <address>')
    .description('Remove an alias.')
    .action((addr: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeAlias(address(addr)))) throw new CliError(`no alias ${address(addr)}`);
        out(`removed alias ${address(addr)}`);
      }),
    );
}
