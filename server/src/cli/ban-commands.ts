// `mailroom ban add|list|remove`: banned client addresses on the configured database. A running server
// picks up changes made here within a few seconds (bans/ban-list.ts REFRESH_MS).
import type { Command } from 'commander';
import { canonicalIp, isLoopbackIp } from '../util/ip-address.ts';
import type { Config } from '../config/settings.ts';
import type { Ban } from '../store/ban-store.ts';
import { out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';

function ip(value: string): string {
  const address = canonicalIp(value);
  if (address === null) throw new CliError(`not an IP address: ${JSON.stringify(value)}`);
  return address;
}

const describe = (b: Ban) => `${b.address}\t${b.reason}\tsince ${new Date(b.createdAt).toISOString()}\t${b.expiresAt === null ? 'until removed' : `until ${new Date(b.expiresAt).toISOString()}`}`;

export function registerBanCommands(program: Command, config: () => Config): void {
  const ban = program.command('ban').description('Client addresses refused at connect (auto-ban after failed logins, or by hand).');
  ban
    .command('add <address>')
    .description('Ban an IP address.')
    .option('--seconds <seconds>', 'how long (default auth.ban_duration_seconds)')
    .option('--forever', 'until removed by hand')
    .action((value: string, opts: { seconds?: string; forever?: boolean }) =>
      withStore(config, async (s) => {
        const address = ip(value);
        const cfg = config();
        if (isLoopbackIp(address) && !cfg['auth.ban_loopback']) throw new CliError(`${address} is a loopback address; set auth.ban_loopback to ban it`);
        const seconds = opts.seconds === undefined ? cfg['auth.ban_duration_seconds'] : Number(opts.seconds);
        if (!opts.forever && (!Number.isSafeInteger(seconds) || seconds <= 0)) throw new CliError(`--seconds: expected a whole number above 0, got ${JSON.stringify(opts.seconds)}`);
        const now = Date.now();
        const added: Ban = { address, reason: 'manual', createdAt: now, expiresAt: opts.forever ? null : now + seconds * 1000 };
        await s.addBan(added);
        out(`banned ${describe(added)}`);
      }),
    );
  ban
    .command('list')
    .description('List the bans in force.')
    .action(() => withStore(config, async (s) => (await s.listBans(Date.now())).forEach((b) => out(describe(b)))));
  ban
    .command('remove <address>')
    .description('Lift a ban.')
    .action((value: string) =>
      withStore(config, async (s) => {
        if (!(await s.removeBan(ip(value)))) throw new CliError(`no ban on ${ip(value)}`);
        out(`removed ban on ${ip(value)}`);
      }),
    );
}
