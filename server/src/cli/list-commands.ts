// `mailroom list ...` and `mailroom catchall ...`: distribution lists and the catch-all of a local domain
// (store/list-store.ts, docs/addresses.md), on the configured database; a running server uses a change at
// the next RCPT TO.
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { LIST_SENDER_POLICIES, type DistributionList, type ListSenderPolicy } from '../store/list-store.ts';
import { address, out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';

function policy(value: string): ListSenderPolicy {
  if (!(LIST_SENDER_POLICIES as readonly string[]).includes(value)) throw new CliError(`--policy: expected one of ${LIST_SENDER_POLICIES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as ListSenderPolicy;
}

const summary = (l: DistributionList) => `${l.address}\tpolicy ${l.policy}\t${l.members.length} member${l.members.length === 1 ? '' : 's'}`;

export function registerListCommands(program: Command, config: () => Config): void {
  const list = program.command('list').description('Distribution lists: an address of a local domain whose mail goes to every member (local or remote, lists too).');
  list
    .command('add <address>')
    .description('Add a list in a local domain, or change the policy of an existing one.')
    .option('--policy <policy>', `who may send to it: ${LIST_SENDER_POLICIES.join(', ')} (default anyone)`)
    .action((addr: string, opts: { policy?: string }) =>
      withStore(config, async (s) => {
        const a = address(addr);
        const p = policy(opts.policy ?? 'anyone');
        if (await s.findList(a)) {
          await s.setListPolicy(a, p);
          out(`list ${a} policy ${p}`);
          return;
        }
        await s.addList(a, p, Date.now());
        out(`added list ${a} policy ${p}`);
      }),
    );
  list
    .command('remove <address>')
    .description('Remove a list with its members.')
    .action((addr: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeList(address(addr)))) throw new CliError(`no list ${address(addr)}`);
        out(`removed list ${address(addr)}`);
      }),
    );
  list
    .command('list')
    .description('List the lists.')
    .action(() => withStore(config, async (s) => (await s.listLists()).forEach((l) => out(summary(l)))));
  list
    .command('show <address>')
    .description('Show a list and its members.')
    .action((addr: string) =>
      withStore(config, async (s) => {
        const l = await s.findList(address(addr));
        if (!l) throw new CliError(`no list ${address(addr)}`);
        out(summary(l));
        for (const m of l.members) out(`  ${m}`);
      }),
    );
  const members = list.command('members').description("A list's members.");
  members
    .command('add <list> <address>')
    .description('Add a member (any address, local or remote, or another list).')
    .action((l: string, member: string) =>
      withStore(config, async (s) => {
        const added = await s.addListMember(address(l), address(member));
        out(added ? `added ${address(member)} to ${address(l)}` : `${address(member)} is already a member of ${address(l)}`);
      }),
    );
  members
    .command('remove <list> <address>')
    .description('Remove a member.')
    .action((l: string, member: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeListMember(address(l), address(member)))) throw new CliError(`${address(member)} is not a member of ${address(l)}`);
        out(`removed ${address(member)} from ${address(l)}`);
      }),
    );

  const catchall = program.command('catchall').description('The catch-all of a local domain: the address that gets mail for its unknown local parts.');
  catchall
    .command('set <domain> <target>')
    .description('Send mail for unknown addresses of a local domain to TARGET (local or remote); accounts, aliases and lists still get theirs.')
    .action((domain: string, target: string) =>
      withStore(config, async (s) => {
        await s.setCatchAll(domain.toLowerCase(), address(target));
        out(`catch-all of ${domain.toLowerCase()} -> ${address(target)}`);
      }),
    );
  catchall
    .command('remove <domain>')
    .description('Remove the catch-all of a domain; its unknown addresses are refused again (550 5.1.1).')
    .action((domain: string) =>
      withStore(config, async (s) => {
        if ((await s.findCatchAll(domain.toLowerCase())) === null) throw new CliError(`no catch-all for ${domain.toLowerCase()}`);
        await s.setCatchAll(domain.toLowerCase(), null);
        out(`removed catch-all of ${domain.toLowerCase()}`);
      }),
    );
  catchall
    .command('list')
    .description('List the catch-alls.')
    .action(() => withStore(config, async (s) => (await s.listCatchAlls()).forEach((c) => out(`${c.domain} -> ${c.target}`))));
}
