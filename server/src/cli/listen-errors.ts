// A port already taken or an address this machine does not have is a configuration problem: say which
// setting holds it instead of printing Node's stack trace.
import { ConfigError } from '../config/load.ts';
import { envName, type Config, type SettingKey } from '../config/settings.ts';

const PORT_KEYS: readonly SettingKey[] = ['smtp.port', 'submission.port', 'submissions.port', 'pop3.port', 'pop3s.port', 'imap.port', 'imaps.port', 'admin.port'];
const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges, e.g. CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'this machine has no such address',
};

export function explainListenError(err: unknown, config: Config): unknown {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const reason = e?.code ? REASONS[e.code] : undefined;
  if (!reason || e.syscall !== 'listen') return err;
  if (e.code === 'EADDRNOTAVAIL') {
    return new ConfigError('bind', `invalid setting bind (${envName('bind')}): cannot listen on ${JSON.stringify(config.bind)}: ${reason}`);
  }
  const key = PORT_KEYS.find((k) => config[k] === e.port);
  if (!key) return err;
  return new ConfigError(key, `invalid setting ${key} (${envName(key)}): cannot listen on ${config.bind}:${e.port}: ${reason}`);
}
