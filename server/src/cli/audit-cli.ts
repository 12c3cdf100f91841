// Changes made with the `mailroom` command go into the audit trail (audit/): `cli.<command path>` with the
// positional arguments and the options given, secrets shown as "[hidden]". Commands that only read
// (list, show) and `serve` are not changes. A database URL (`db copy --to`) is kept with its password masked. Recorded after the command succeeded.
import type { Command } from 'commander';
import { AuditLog, cliActor } from '../audit/audit-log.ts';
import type { Config } from '../config/settings.ts';
import { isPostgresUrl, maskUrl } from '../store/postgres/url.ts';

const READ_ONLY = new Set(['list', 'show', 'serve', 'help']);
const SECRET_OPTION = /pass|secret|token/i;

function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

export function auditCliChange(action: Command, config: () => Config): void {
  const path = commandPath(action);
  if (path.length === 0 || READ_ONLY.has(path[path.length - 1]!)) return;
  const options = Object.fromEntries(
    Object.entries(action.opts()).map(([key, value]) => [key, SECRET_OPTION.test(key) ? '[hidden]' : typeof value === 'string' && isPostgresUrl(value) ? maskUrl(value) : value]),
  );
  // `token create` prints a token; its arguments name it and its role only, which is what is kept.
  const { actor, source } = cliActor();
  new AuditLog(config().data_dir).record(`cli.${path.join('.')}`, actor, source, { args: action.args, options });
}
