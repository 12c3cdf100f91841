// `mailroom dkim generate|list|remove`: DKIM signing keys on the configured database (issue 18). A running
// server reads the active key at each message, so a new key signs the next message on every node.
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import type { DkimAlgorithm, DkimKeyInfo } from '../store/dkim-key-store.ts';
import { DEFAULT_RSA_BITS, defaultSelector, dnsRecord, generateDkimKey, isValidSelector, RSA_BITS_RANGE, zoneLine } from '../dkim/keys.ts';
import { out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';

const describe = (k: DkimKeyInfo) => `${k.domain}\t${k.selector}\t${k.algorithm}\t${k.active ? 'active' : 'inactive'}\tsince ${new Date(k.createdAt).toISOString()}`;

function domainArg(value: string): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  if (!isValidSelector(domain) || !domain.includes('.')) throw new CliError(`not a domain name: ${JSON.stringify(value)}`);
  return domain;
}

export function registerDkimCommands(program: Command, config: () => Config): void {
  const dkim = program.command('dkim').description('DKIM signing keys per domain (outgoing mail is signed with the active one).');
  dkim
    .command('generate <domain>')
    .description('Make a key for a domain, make it the active one, and print the DNS TXT record to publish.')
    .option('--selector <selector>', 'the selector (default mrYYYYMM)')
    .option('--algorithm <algorithm>', 'rsa or ed25519', 'rsa')
    .option('--bits <bits>', `RSA key size (default ${DEFAULT_RSA_BITS})`)
    .action((value: string, opts: { selector?: string; algorithm: string; bits?: string }) =>
      withStore(config, async (s) => {
        const domain = domainArg(value);
        const selector = (opts.selector ?? defaultSelector(new Date())).toLowerCase();
        if (!isValidSelector(selector)) throw new CliError(`--selector: not a DNS label: ${JSON.stringify(opts.selector)}`);
        if (opts.algorithm !== 'rsa' && opts.algorithm !== 'ed25519') throw new CliError(`--algorithm: expected rsa or ed25519, got ${JSON.stringify(opts.algorithm)}`);
        const algorithm: DkimAlgorithm = opts.algorithm;
        if (algorithm === 'ed25519' && opts.bits !== undefined) throw new CliError('--bits: only for --algorithm rsa');
        const bits = opts.bits === undefined ? DEFAULT_RSA_BITS : Number(opts.bits);
        if (!Number.isSafeInteger(bits) || bits < RSA_BITS_RANGE.min || bits > RSA_BITS_RANGE.max) {
          throw new CliError(`--bits: expected a whole number from ${RSA_BITS_RANGE.min} to ${RSA_BITS_RANGE.max}, got ${JSON.stringify(opts.bits)}`);
        }
        const key = generateDkimKey(domain, selector, algorithm, bits, Date.now());
        if (!(await s.addDkimKey(key))) throw new CliError(`${domain} already has a key with selector ${selector}; choose another --selector`);
        out(`added ${describe(key)}`);
        out('Publish this DNS record:');
        out(zoneLine(dnsRecord(key)));
      }),
    );
  dkim
    .command('list [domain]')
    .description('List the keys (never their private part) with the DNS record of each.')
    .action((value: string | undefined) =>
      withStore(config, async (s) => {
        for (const k of await s.listDkimKeys(value === undefined ? undefined : domainArg(value))) {
          out(describe(k));
          out(`\t${zoneLine(dnsRecord(k))}`);
        }
      }),
    );
  dkim
    .command('remove <domain> <selector>')
    .description('Remove a key; if it was the active one, the newest remaining key of the domain signs from now on.')
    .action((value: string, selector: string) =>
      withStore(config, async (s) => {
        const domain = domainArg(value);
        if (!(await s.removeDkimKey(domain, selector.toLowerCase()))) throw new CliError(`no key ${selector} for ${domain}`);
        out(`removed ${domain} ${selector.toLowerCase()}`);
      }),
    );
}
