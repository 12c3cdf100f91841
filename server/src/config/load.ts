// Builds the Config: defaults, then the YAML file, then MAILROOM_* environment variables.
// Any bad value stops start-up with a ConfigError naming the key, where it came from and the value.
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { SETTINGS, envAliasOf, envName, type Config, type SettingKey } from './settings.ts';
import { closest } from './suggest.ts';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where warnings go (an unknown MAILROOM_* variable); stderr by default, before logging is set up. */
  warn?: (message: string) => void;
}

const warnOnStderr = (message: string) => process.stderr.write(`mailroom: warning: ${message}\n`);

const KEYS = Object.keys(SETTINGS) as SettingKey[];
/**
 * MAILROOM_* variables that are not settings but are still ours: the file to read, the launcher's
 * MAILROOM_FROM_SOURCE (bin/mailroom.js: run the sources, not the build) and the logger's
 * MAILROOM_LOG_FORMAT (json even on a terminal), each documented where it is used.
 */
const OTHER_VARIABLES = new Set(['MAILROOM_CONFIG', 'MAILROOM_FROM_SOURCE', 'MAILROOM_LOG_FORMAT']);
/** Prefixes of variables that tools around Mailroom set for themselves (tests, benchmarks). */
const OTHER_PREFIXES = ['MAILROOM_TEST_', 'MAILROOM_BENCH_'];

export function loadConfig({ file, env = process.env, warn = warnOnStderr }: LoadOptions = {}): Config {
  checkVariableNames(env, warn);
  const configFile = file ?? env.MAILROOM_CONFIG;
  const fromFile = configFile ? readYaml(configFile) : {};
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const alias = envAliasOf(key);
    const variable = env[envName(key)] === undefined && alias !== undefined && env[alias] !== undefined ? alias : envName(key);
    let source: string;
    let raw: unknown;
    if (env[variable] !== undefined) {
      raw = env[variable];
      source = `environment variable ${variable}`;
    } else if (key in fromFile) {
      raw = fromFile[key];
      source = `${configFile}`;
    } else {
      raw = SETTINGS[key].default;
      source = 'default';
    }
    const parsed = SETTINGS[key].schema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown = 'secret' in SETTINGS[key] && SETTINGS[key].secret ? '(value hidden)' : JSON.stringify(raw);
      throw new ConfigError(key, `invalid setting ${key} (from ${source}): ${shown}: ${why}`);
    }
    out[key] = parsed.data;
  }
  const config = out as Config;
  checkTls(config);
  checkImapSizes(config);
  return config;
}

/** A command limit below the line limit would refuse lines the line limit lets through. */
function checkImapSizes(config: Config): void {
  const command = config['limits.imap_max_command_bytes'];
  const line = config['limits.imap_max_line_bytes'];
  if (command < line) {
    throw new ConfigError('limits.imap_max_command_bytes', `invalid setting limits.imap_max_command_bytes: ${command} is below limits.imap_max_line_bytes (${line}); a command is at least one line`);
  }
}

/**
 * A misspelt variable would otherwise be ignored in silence and the default used instead. A warning, not
 * an error: the environment is shared with other tools (test runners set MAILROOM_TEST_* for themselves),
 * unlike the YAML file, where an unknown key is an error.
 */
function checkVariableNames(env: NodeJS.ProcessEnv, warn: (message: string) => void): void {
  const known = [...KEYS.map(envName), ...KEYS.flatMap((key) => envAliasOf(key) ?? [])];
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith('MAILROOM_') || known.includes(variable) || OTHER_VARIABLES.has(variable) || OTHER_PREFIXES.some((p) => variable.startsWith(p))) continue;
    const guess = closest(variable, known);
    warn(`${variable} is not a Mailroom setting and is ignored${guess ? ` (did you mean ${guess}?)` : ''}; see docs/configuration.md`);
  }
}

/** Catches a missing, unreadable or mismatched certificate and key now rather than at the first STARTTLS. */
function checkTls(config: Config): void {
  const cert = config['tls.cert_file'];
  const key = config['tls.key_file'];
  if (cert === undefined && key === undefined) return;
  if (cert === undefined || key === undefined) {
    const [missing, given] = cert === undefined ? ['tls.cert_file', `tls.key_file is ${JSON.stringify(key)}`] : ['tls.key_file', `tls.cert_file is ${JSON.stringify(cert)}`];
    throw new ConfigError(missing, `invalid setting ${missing}: not set, but ${given}; tls.cert_file and tls.key_file must be set together`);
  }
  const pem: Record<string, Buffer> = {};
  for (const [name, file] of [
    ['tls.cert_file', cert],
    ['tls.key_file', key],
  ] as const) {
    try {
      pem[name] = fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(name, `invalid setting ${name}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    tls.createSecureContext({ cert: pem['tls.cert_file'], key: pem['tls.key_file'] });
  } catch (err) {
    throw new ConfigError(
      'tls.cert_file',
      `invalid setting tls.cert_file: ${JSON.stringify(cert)} and tls.key_file ${JSON.stringify(key)} are not a usable certificate and key: ${(err as Error).message}`,
    );
  }
}

/** Reads the YAML file and flattens nested maps into the catalogue's dotted keys. */
function readYaml(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('config', `cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('config', `config file ${file} must be a YAML mapping of settings`);
  }
  const flat: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(obj)) {
      const key = prefix + name;
      // Own keys only: `in` would take "constructor" or "toString" (on every object) for a setting.
      if (Object.hasOwn(SETTINGS, key)) {
        if (Object.hasOwn(flat, key)) throw new ConfigError(key, `setting ${key} appears twice in ${file} (once nested, once dotted)`);
        flat[key] = value;
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${key}.`);
      } else {
        const guess = closest(key, KEYS);
        throw new ConfigError(key, `unknown setting ${key} in ${file}${guess ? ` (did you mean ${guess}?)` : ''}; see docs/configuration.md`);
      }
    }
  };
  walk(doc as Record<string, unknown>, '');
  return flat;
}

/** Where the default SQLite database lives, and other paths derived from data_dir. */
export function dataPath(config: Config, ...parts: string[]): string {
  return path.resolve(config.data_dir, ...parts);
}
