// `mailroom quota set|show`: storage quotas per account (docs/quotas.md). Limits are bytes and messages;
// "default" hands an account back to quota.default_bytes / quota.default_messages, 0 is unlimited.
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { effectiveLimits, quotaUseRatio, setQuotaDefaults } from '../store/quota-limits.ts';
import { formatBytes, parseQuotaSize } from '../store/quota-size.ts';
import type { AccountQuota } from '../store/quota-store.ts';
import { address, out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';

function limit(option: string, value: string | undefined, allowUnits: boolean): number | null | undefined {
  if (value === undefined) return undefined;
  const parsed = parseQuotaSize(value, allowUnits);
  if (parsed instanceof Error) throw new CliError(`${option}: ${parsed.message}`);
  return parsed;
}

function describe(q: AccountQuota): string {
  const limits = effectiveLimits(q);
  const bytes = `${formatBytes(q.usedBytes)} of ${limits.bytes === 0 ? 'unlimited' : formatBytes(limits.bytes)}${q.quotaBytes === null ? ' (default)' : ''}`;
  const messages = `${q.usedMessages} of ${limits.messages === 0 ? 'unlimited' : limits.messages} messages${q.quotaMessages === null ? ' (default)' : ''}`;
  const ratio = quotaUseRatio(q);
  return `${q.address}  ${bytes}  ${messages}${ratio > 0 ? `  ${Math.round(ratio * 100)}%` : ''}`;
}

export function registerQuotaCommands(program: Command, config: () => Config): void {
  const quota = program.command('quota').description('Storage quotas per account (quota.default_bytes and quota.default_messages apply where none is set).');
  const useDefaults = () => {
    const c = config();
    setQuotaDefaults(c['quota.default_bytes'], c['quota.default_messages']);
  };
  quota
    .command('set <address>')
    .description('Set an account\'s limits: --bytes 2G, --messages 50000; "default" for the configured default, 0 for unlimited.')
    .option('--bytes <size>', 'storage limit in bytes (K, M, G, T: powers of 1024)')
    .option('--messages <count>', 'limit in messages')
    .action((addr: string, opts: { bytes?: string; messages?: string }) => {
      const change = { bytes: limit('--bytes', opts.bytes, true), messages: limit('--messages', opts.messages, false) };
      if (change.bytes === undefined && change.messages === undefined) throw new CliError('say what to set: --bytes and/or --messages');
      return withStore(config, async (s) => {
        if (!(await s.setQuota(address(addr), change))) throw new CliError(`no account ${address(addr)}`);
        useDefaults();
        const account = await s.findAccount(address(addr));
        out(describe((await s.getQuota(account!.id))!));
      });
    });
  quota
    .command('show [address]')
    .description('Usage and limits of one account, or of every account.')
    .action((addr: string | undefined) =>
      withStore(config, async (s) => {
        useDefaults();
        if (addr === undefined) return (await s.listQuotas()).forEach((q) => out(describe(q)));
        const account = await s.findAccount(address(addr));
        if (!account) throw new CliError(`no account ${address(addr)}`);
        out(describe((await s.getQuota(account.id))!));
      }),
    );
}
