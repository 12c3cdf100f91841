// `mailroom serve`: runs the service until SIGTERM/SIGINT, then stops the server and the service cleanly.
// SIGHUP (what `systemctl reload` sends) reads the configuration again (config/reload.ts).
import type { Config } from '../config/settings.ts';
import { Service } from '../service/service.ts';
import { explainListenError } from './listen-errors.ts';
import { setupLogging } from '../service/logging-setup.ts';
import { logger } from '../telemetry/log.ts';
import { DataDirInUseError, lockDataDir } from '../service/data-dir-lock.ts';
import { CliError } from './errors.ts';
import { ConfigError } from '../config/load.ts';

export async function serve(config: Config, reloadConfig?: () => Config): Promise<void> {
  try {
    lockDataDir(config.data_dir);
  } catch (err) {
    if (err instanceof DataDirInUseError) throw new CliError(err.message);
    throw err;
  }
  const logging = await setupLogging(config);
  const service = await Service.open(config, logging, { reloadConfig });
  const log = logger('application');
  // Handlers before the start: a SIGTERM that arrives while the service starts (its ports may already
  // answer) still stops it cleanly, freeing the node name in the database, once the start is done.
  let starting: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    starting
      .catch(() => undefined)
      .then(() => service.stop())
      .then(
        () => process.exit(0),
        (err: Error) => {
          log.error({ err: err.message }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Without a handler SIGHUP ends the process; with one, it is a reload, and a bad file changes nothing.
  process.on('SIGHUP', () => {
    try {
      service.reload();
    } catch (err) {
      if (err instanceof ConfigError) log.error({ setting: err.key }, `reload refused: ${err.message}; the running settings stay`);
      else log.error({ err: (err as Error).message }, 'reload failed; the running settings stay');
    }
  });
  starting = service.start();
  try {
    await starting;
  } catch (err) {
    throw explainListenError(err, config);
  }
}
