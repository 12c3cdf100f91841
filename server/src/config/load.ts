// Builds the Config: defaults, then the YAML file, then MAILROOM_* environment variables.
// Any bad value stops start-up with a ConfigError naming the key, where it came from and the value.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SETTINGS, envName, type Config, type SettingKey } from './settings.ts';

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
}

const KEYS = Object.keys(SETTINGS) as SettingKey[];

export function loadConfig({ file, env = process.env }: LoadOptions = {}): Config {
  const configFile = file ?? env.MAILROOM_CONFIG;
  const fromFile = configFile ? readYaml(configFile) : {};
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const variable = envName(key);
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
      throw new ConfigError(key, `invalid setting ${key} (from ${source}): ${JSON.stringify(raw)}: ${why}`);
    }
    out[key] = parsed.data;
  }
  const config = out as Config;
  checkCombinations(config);
  return config;
}

function checkCombinations(config: Config): void {
  if ((config['tls.cert_file'] === undefined) !== (config['tls.key_file'] === undefined)) {
    const missing = config['tls.cert_file'] === undefined ? 'tls.cert_file' : 'tls.key_file';
    throw new ConfigError(missing, `invalid setting ${missing}: tls.cert_file and tls.key_file must be set together`);
  }
  for (const key of ['tls.cert_file', 'tls.key_file'] as const) {
    const file = config[key];
    if (file !== undefined && !fs.existsSync(file)) {
      throw new ConfigError(key, `invalid setting ${key}: file ${JSON.stringify(file)} does not exist`);
    }
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
      if (key in SETTINGS) {
        flat[key] = value;
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${key}.`);
      } else {
        throw new ConfigError(key, `unknown setting ${key} in ${file} (see docs/configuration.md)`);
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
