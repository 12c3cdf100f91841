// Entry point of the `mailroom` command: runs the command tree and turns errors into one line on stderr
// and an exit status.
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load.ts';
import { StoreError } from '../store/store-error.ts';
import { DatabaseUnavailableError } from '../store/database-unavailable.ts';
import { CliError } from './errors.ts';
import { BackupError } from '../backup/backup-error.ts';
import { DataDirInUseError } from '../service/data-dir-lock.ts';
import { NodeNameTakenError } from '../store/cluster-store.ts';
import { CopyError } from '../store/copy/copy-to-postgres.ts';

/** sysexits.h EX_CONFIG, so a service manager can tell a bad configuration from a crash. */
const EXIT_CONFIG = 78;
/** sysexits.h EX_UNAVAILABLE: the database could not be reached (or used); trying again later may work. */
const EXIT_UNAVAILABLE = 69;

function fail(err: unknown): never {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (
    err instanceof ConfigError ||
    err instanceof StoreError ||
    err instanceof CliError ||
    err instanceof DatabaseUnavailableError ||
    err instanceof BackupError ||
    err instanceof DataDirInUseError ||
    err instanceof NodeNameTakenError ||
    err instanceof CopyError
  ) {
    process.stderr.write(`mailroom: ${err.message}\n`);
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : err instanceof DatabaseUnavailableError || err instanceof NodeNameTakenError ? EXIT_UNAVAILABLE : 1);
  }
  process.stderr.write(`mailroom: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

try {
  const { buildProgram } = await import('./program.ts');
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  fail(err);
}
