// Structured logs by category. Every line carries `category`; session and queue ids are added by the
// callers through child loggers, so one session can be followed from connect to delivery.
import pino, { type Logger } from 'pino';

export type LogCategory = 'smtp' | 'submission' | 'pop3' | 'imap' | 'tcpip' | 'delivery' | 'application' | 'debug';

let root: Logger = pino({ level: process.env.MAILROOM_LOG_LEVEL ?? 'info', base: { service: 'mailroom' }, redact: ['password', 'pass', '*.password'] });

export function configureLogging(level: string): void {
  root = pino({ level, base: { service: 'mailroom' }, redact: ['password', 'pass', '*.password'] });
}

export function logger(category: LogCategory): Logger {
  return root.child({ category });
}
