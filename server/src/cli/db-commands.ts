// `mailroom db copy --to URL`: the embedded store into an empty PostgreSQL database (store/copy/). The
// data directory lock is held for the copy, so no server changes the store meanwhile (and none starts).
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import { LOCK_FILE, lockDataDir } from '../service/data-dir-lock.ts';
import { copyToPostgres } from '../store/copy/copy-to-postgres.ts';
import { isPostgresUrl, maskUrl } from '../store/postgres/url.ts';
import { progressBar, type ProgressBar } from '../util/progress-bar.ts';
import { out } from './directory-commands.ts';
import { CliError } from './errors.ts';

/** The SQLite file this configuration's server uses (the reading of store/open-store.ts). */
function embeddedStoreFile(config: Config): string {
  const url = config['database.url'];
  if (url === undefined) return dataPath(config, 'mailroom.db');
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  throw new CliError(
    `db copy copies the embedded SQLite store, but database.url already points to ${maskUrl(url)}: run it with the configuration of the node that has the data (database.url unset or sqlite:)`,
  );
}

const n = (v: number) => v.toLocaleString('en-US');

export function registerDbCommands(program: Command, config: () => Config): void {
  const db = program.command('db').description('The store as a whole.');
  db.command('copy')
    .description('Copy the embedded SQLite store (stop the server first) into an empty PostgreSQL database, to run one or several nodes on it.')
    .requiredOption('--to <url>', 'postgres://user:password@host:port/database of an empty database')
    .action(async (opts: { to: string }) => {
      if (!isPostgresUrl(opts.to)) throw new CliError(`--to must be a postgres:// or postgresql:// URL, not ${JSON.stringify(maskUrl(opts.to))}`);
      const c = config();
      const file = embeddedStoreFile(c);
      const lock = lockDataDir(c.data_dir); // refuses while a server runs on this data directory
      try {
        out(`db copy: ${file} to ${maskUrl(opts.to)} (the data directory stays locked until the copy ends; ${LOCK_FILE})`);
        let bar: ProgressBar | null = null;
        const result = await copyToPostgres(file, opts.to, (p) => {
          bar ??= progressBar(process.stderr, 'db copy', p.total);
          bar.update(p.done, `${p.table} ${n(p.tableDone)} of ${n(p.tableTotal)}`);
        });
        (bar as ProgressBar | null)?.finish(`${n(result.rows)} rows`);
        out(`count check: ${result.counts.map((t) => `${t.table} ${n(t.target)}`).join(', ')}: every table as in the source`);
        out(`copied ${n(result.rows)} rows (${(result.bytes / 1024 / 1024).toFixed(1)} MiB) in ${(result.ms / 1000).toFixed(1)} s to ${result.target}`);
        out(`next: start each node with MAILROOM_DATABASE_URL set to that URL (docs/postgresql.md, "Several nodes")`);
      } finally {
        lock.release();
      }
    });
}
