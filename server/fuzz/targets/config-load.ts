// The YAML config (config/load.ts): any document, any MAILROOM_* environment. A bad one must stop
// start-up with a ConfigError that names the key, never with a TypeError from deep in the loader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { SETTINGS, envName } from '../../src/config/settings.ts';
import { tokens } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

const KEYS = Object.keys(SETTINGS).filter((k) => !k.startsWith('tls.'));
/** Names that are properties of every object: a loader that asks `key in obj` finds them there. */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, fc.constantFrom(...PROTOTYPE_NAMES, 'smtp', 'smtp.nope', 'smtp.port.x', ''), fc.string({ maxLength: 6 }));
const value = fc.oneof(
  fc.constantFrom('off', 'on', '0', '65536', '127.0.0.1', '10.0.0.0/8', 'localhost:25', '', 'info', ' ', '-1', '1e3', '[1', '{a: b}'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
/** Nested maps as well as dotted keys, so both spellings of a key can appear in one file. */
const document = fc.dictionary(
  key,
  fc.oneof({ weight: 3, arbitrary: value }, fc.dictionary(fc.oneof(fc.constantFrom('port', 'max_message_size_bytes', 'toString'), fc.string({ maxLength: 4 })), value, { maxKeys: 3 })),
  { maxKeys: 5 },
);
const yamlText = fc.oneof(
  { weight: 3, arbitrary: document.map((d) => stringify(d)) },
  tokens(['smtp:', '\n', '  port: ', '2525', ': ', '- ', '&a ', '*a', '!!binary ', '{', '}', '[', ']', '"', "'", '#', 'hostname: x', '\t', '---\n', '~'], 20),
);
const environment = fc.dictionary(fc.constantFrom(...KEYS.map(envName), 'MAILROOM_NOPE'), fc.oneof(fc.constantFrom('', 'off', '0', 'abc', '1.5', '127.0.0.1'), fc.string({ maxLength: 8 })), {
  maxKeys: 3,
});

let dir: string | undefined;
function writeFile(text: string): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-fuzz-config-'));
  const file = path.join(dir, 'mailroom.yaml');
  fs.writeFileSync(file, text);
  return file;
}

export const configLoadTarget: FuzzTarget = {
  name: 'config/load',
  checks: 'loadConfig with any YAML file and MAILROOM_* environment returns a config or throws a ConfigError whose message names its key; an unknown key is reported as unknown',
  testRuns: 150,
  property: fc.property(yamlText, environment, (text, env) => {
    const file = writeFile(text);
    try {
      loadConfig({ file, env, warn: () => undefined });
      return true;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (typeof err.key !== 'string' || !err.message.includes(err.key)) throw new Error(`error names "${err.key}": ${err.message}`);
      // A key that is not a setting (e.g. "toString") must not be taken for one.
      if (!Object.hasOwn(SETTINGS, err.key) && err.key !== 'config' && !err.message.startsWith('unknown setting')) throw new Error(`"${err.key}" is not a setting, but: ${err.message}`);
      return true;
    }
  }),
};
