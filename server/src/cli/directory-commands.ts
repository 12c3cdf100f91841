// `mailroom domain|account|alias ...`: directory management on the configured database.
import type { Command } from 'commander';
import { hashPassword } from '../auth/password.ts';
import type { Config } from '../config/settings.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { StoreError } from '../store/sqlite/directory.ts';
import { parseAddress } from '../util/address.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

async function withStore<T>(config: () => Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function address(value: string): string {
  const parsed = parseAddress(value);
  if (!parsed) throw new StoreError('invalid', `not a valid address: ${value}`);
  return parsed.normalized;
}

function domainName(value: string): string {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (name.length > 253 || !name.split('.').every((l) => LABEL.test(l))) throw new StoreError('invalid', `not a valid domain name: ${value}`);
  return name;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export function registerDirectoryCommands(program: Command, config: () => Config): void {
  const domain = program.command('domain').description('Local domains: mail for them is delivered here.');
  domain.command('add <name>').description('Add a local domain.').action((name: string) =>
    withStore(config, async (s) => {
      await s.addDomain(domainName(name));
      out(`added domain ${domainName(name)}`);
    }),
  );
  domain.command('list').description('List local domains.').action(() => withStore(config, async (s) => (await s.listDomains()).forEach(out)));
  domain.command('remove <name>').description('Remove a domain with its accounts, mailboxes and aliases.').action((name: string) =>
    withStore(config, async (s) => {
      if (!(await s.removeDomain(domainName(name)))) throw new StoreError('not_found', `no domain ${name}`);
      out(`removed domain ${name}`);
    }),
  );

  const account = program.command('account').description('Mail accounts (each gets INBOX, Sent, Drafts, Trash, Junk).');
  account
    .command('add <address>')
    .description('Add an account in a local domain.')
    .requiredOption('-p, --password <password>', 'the account password (stored as an scrypt hash)')
    .action((addr: string, opts: { password: string }) =>
      withStore(config, async (s) => {
        const a = await s.addAccount(address(addr), await hashPassword(opts.password));
        out(`added account ${a.address}`);
      }),
    );
  account.command('list').description('List accounts.').action(() => withStore(config, async (s) => (await s.listAccounts()).forEach((a) => out(a.address))));
  account.command('remove <address>').description('Remove an account and its mail.').action((addr: string) =>
    withStore(config, async (s) => {
      if (!(await s.removeAccount(address(addr)))) throw new StoreError('not_found', `no account ${addr}`);
      out(`removed account ${addr}`);
    }),
  );
  account
    .command('passwd <address>')
    .description("Change an account's password.")
    .requiredOption('-p, --password <password>', 'the new password')
    .action((addr: string, opts: { password: string }) =>
      withStore(config, async (s) => {
        if (!(await s.setPassword(address(addr), await hashPassword(opts.password)))) throw new StoreError('not_found', `no account ${addr}`);
        out(`changed password of ${addr}`);
      }),
    );

  const alias = program.command('alias').description('Aliases: another address for an account, or a forward to any address.');
  alias.command('add <address> <target>').description('Add an alias in a local domain.').action((addr: string, target: string) =>
    withStore(config, async (s) => {
      await s.addAlias(address(addr), address(target));
      out(`added alias ${address(addr)} -> ${address(target)}`);
    }),
  );
  alias.command('list').description('List aliases.').action(() => withStore(config, async (s) => (await s.listAliases()).forEach((a) => out(`${a.address} -> ${a.target}`))));
  alias.command('remove <address>').description('Remove an alias.').action((addr: string) =>
    withStore(config, async (s) => {
      if (!(await s.removeAlias(address(addr)))) throw new StoreError('not_found', `no alias ${addr}`);
      out(`removed alias ${addr}`);
    }),
  );
}
