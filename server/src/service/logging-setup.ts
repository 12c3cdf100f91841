// Brings up logging for `mailroom serve`: the run-time category switches (kept in the data dir), and
// the Loki client when loki.url is set. Runs before the service so that start-up itself is logged.
import fs from 'node:fs';
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import { CategorySwitches } from '../telemetry/log-categories.ts';
import { LokiRequestObserver, type LoggingHandles } from '../telemetry/logging-handles.ts';

export type { LoggingHandles } from '../telemetry/logging-handles.ts';
import { configureLogging, currentLine, lineField, liveLog, logger } from '../telemetry/log.ts';

import { LokiClient, createPinoLokiStream, type KnownLine, type LokiClientOptions } from '../telemetry/loki/index.ts';

/** The Loki stream's view of the line being written (see LineContext in log.ts). */
function knownLine(): KnownLine | null {
  const context = currentLine();
  return context && { category: context.category, level: context.level, field: (name) => lineField(context, name) };
}

export async function setupLogging(config: Config): Promise<LoggingHandles> {
  const switches = new CategorySwitches(config['log.categories'], dataPath(config, 'logging.json'));
  let loki: LokiClient | null = null;
  const lokiRequests = new LokiRequestObserver();
  const url = config['loki.url'];
  if (url) {
    const auth = config['loki.bearer_token']
      ? { bearerToken: config['loki.bearer_token'] }
      : config['loki.username'] && config['loki.password']
        ? { username: config['loki.username'], password: config['loki.password'] }
        : undefined;
    const caFile = config['loki.ca_file'];
    const options: LokiClientOptions = {
      url,
      serviceName: 'mailroom',
      instance: config.hostname,
      format: config['loki.format'],
      structuredMetadata: config['loki.structured_metadata'],
      batchMaxBytes: config['loki.batch_max_bytes'],
      batchWaitMs: config['loki.batch_wait_ms'],
      bufferMaxBytes: config['loki.buffer_max_bytes'],
      ...(config['loki.tenant'] ? { tenantId: config['loki.tenant'] } : {}),
      ...(auth ? { auth } : {}),
      tls: { insecureSkipVerify: config['loki.tls_insecure'], ...(caFile ? { ca: fs.readFileSync(caFile) } : {}) },
      stats: {
        sentEntries: () => undefined,
        droppedEntries: () => undefined,
        batchRetry: () => undefined,
        requestDuration: (code, seconds) => lokiRequests.observe(code, seconds),
      },
      // Must not log through the client it warns about: straight to stderr.
      onWarning: (message) => process.stderr.write(`${JSON.stringify({ level: 40, category: 'application', msg: `loki: ${message}` })}\n`),
    };
    loki = new LokiClient(options);
  }
  await configureLogging({
    level: config['log.level'],
    switches,
    streams: loki ? [createPinoLokiStream(loki, { known: knownLine })] : [],
  });
  logger('application').info({ categories: switches.snapshot(), loki: url ? new URL(url).origin : null }, 'logging configured');
  return { switches, loki, live: liveLog, lokiRequests };
}
