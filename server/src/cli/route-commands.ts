// `mailroom route add|list|remove`: the next hop per destination domain and the default smarthost (`*`),
// kept in the configured database, so a running server (every node) uses a change at its next attempt.
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { checkRoute, routeDomain, RouteInputError, routeView } from '../delivery/route-input.ts';
import type { Route } from '../store/route-store.ts';
import { out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';
import { readPassword } from './password-input.ts';

function describe(route: Route): string {
  const v = routeView(route);
  const host = v.host.includes(':') ? `[${v.host}]` : v.host;
  const auth = v.username === null ? 'no auth' : `auth ${v.username} password ${v.password}`;
  return `${v.domain}\t${host}:${v.port}\t${v.security}\t${auth}\tsince ${v.createdAt}`;
}

export function registerRouteCommands(program: Command, config: () => Config): void {
  const route = program.command('route').description("Routes: the next hop for a destination domain, and the default smarthost ('*'), instead of MX lookups.");
  route
    .command('add <domain> <host:port>')
    .description("Add or replace the route of a domain ('*': every remote domain without a route of its own).")
    .option('--security <mode>', 'opportunistic (STARTTLS when offered), starttls (required) or tls (implicit, port 465); default starttls with credentials, else opportunistic')
    .option('--username <user>', 'log in at the next hop (needs a password)')
    .option('-p, --password <password>', 'its password (visible to other local users in the process list)')
    .option('--password-stdin', 'read the password from standard input')
    .action((domain: string, nextHop: string, opts: { security?: string; username?: string; password?: string; passwordStdin?: boolean }) =>
      withStore(config, async (s) => {
        const wantsPassword = opts.password !== undefined || opts.passwordStdin === true;
        if (wantsPassword && opts.username === undefined) throw new CliError('--username: required with a password');
        const password = opts.username !== undefined ? await readPassword(opts) : undefined;
        let checked: Route;
        try {
          checked = checkRoute({ domain, nextHop, security: opts.security, username: opts.username, password }, Date.now());
        } catch (err) {
          if (err instanceof RouteInputError) throw new CliError(err.message);
          throw err;
        }
        await s.setRoute(checked);
        out(`route ${describe(checked)}`);
      }),
    );
  route
    .command('list')
    .description('List the routes (passwords masked).')
    .action(() =>
      withStore(config, async (s) => {
        for (const r of await s.listRoutes()) out(describe(r));
      }),
    );
  route
    .command('remove <domain>')
    .description('Remove the route of a domain; its mail goes by the default route, the relay setting or MX again.')
    .action((value: string) =>
      withStore(config, async (s) => {
        const domain = routeDomain(value);
        if (domain === null || !(await s.removeRoute(domain))) throw new CliError(`no route for ${value}`);
        out(`removed route ${domain}`);
      }),
    );
}
