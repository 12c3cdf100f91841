// Structured logs by category. Every line carries `category`; session and queue ids are added by the
// callers through child loggers, so one session can be followed from connect to delivery.
import pino, { type Logger } from 'pino';

export type LogCategory = 'smtp' | 'submission' | 'pop3' | 'imap' | 'tcpip' | 'delivery' | 'application' | 'debug';

// Until serve() configures it from the validated config, use MAILROOM_LOG_LEVEL only when it is a level
// pino knows: pino throws on anything else, before the config check could name the bad setting.
const envLevel = process.env.MAILROOM_LOG_LEVEL;
let root: Logger = pino({ level: envLevel && envLevel in pino.levels.values || envLevel === 'silent' ? envLevel : 'info', base: { service: 'mailroom' }, redact: ['password', 'pass', '*.password'] });

export function configureLogging(level: string): void {
  root = pino({ level, base: { service: 'mailroom' }, redact: ['password', 'pass', '*.password'] });
}

export function logger(category: LogCategory): Logger {
  return root.child({ category });
}
