// Renders docs/configuration.md from the settings catalogue. Run `npx tsx server/src/config/render-docs.ts`
// after changing a setting; docs.test.ts fails while the file and the catalogue disagree.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS, envAliasOf, envName } from './settings.ts';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

const INTRO = `# Configuration

<!-- Generated from server/src/config/settings.ts by server/src/config/render-docs.ts; do not edit by hand. -->

Mailroom reads its settings from three places; a later one wins:

1. the defaults below;
2. a YAML file, given with \`mailroom --config FILE\` or the environment variable \`MAILROOM_CONFIG\`;
3. environment variables: \`MAILROOM_\` followed by the key in upper case with dots as underscores
   (\`smtp.max_recipients\` is \`MAILROOM_SMTP_MAX_RECIPIENTS\`).

Every value is checked at start-up. A bad value or an unknown key in the YAML file stops \`mailroom\` with
exit status 78 (EX_CONFIG) and a message that names the key, where the value came from and the value itself
(secrets such as admin tokens are shown as \`(value hidden)\`), for example:

\`\`\`text
mailroom: invalid setting smtp.port (from environment variable MAILROOM_SMTP_PORT): "abc": expected a port number (0-65535) or 'off'
\`\`\`

A port that is already taken, or a \`bind\` address the machine does not have, is reported the same way, naming
the setting. An environment variable that starts with \`MAILROOM_\` but is not a setting gets a warning with
the nearest setting's name (\`MAILROOM_SMTP_PROT is not a Mailroom setting and is ignored (did you mean
MAILROOM_SMTP_PORT?)\`) rather than an error, since the environment is shared with other tools.

## Values

- **Ports**: a number from 1 to 65535; \`0\` picks any free port (useful in tests); \`off\` disables the listener.
- **Numbers** are whole numbers; units are in the key (\`_ms\`, \`_seconds\`, \`_bytes\`).
- **Booleans**: \`true\`/\`false\`, \`yes\`/\`no\`, \`on\`/\`off\`, \`1\`/\`0\`.
- **Lists**: comma-separated in an environment variable (\`MAILROOM_TRUSTED_NETWORKS=10.0.0.0/8,fd00::/8\`),
  a YAML list in the file.
- An **empty** environment variable unsets an optional setting (\`MAILROOM_RELAY=\`).
- Relative paths are relative to the working directory of the \`mailroom\` process.

## The YAML file

Keys may be nested maps or dotted, as in the table below; both forms may be mixed, but a key may appear only
once.

\`\`\`yaml
hostname: mx.example.com
bind: 0.0.0.0
data_dir: /var/lib/mailroom
smtp:
  port: 25
  max_message_size_bytes: 52428800
submission.port: 587
trusted_networks:
  - 10.0.0.0/24
postmaster: admin@example.com
tls:
  cert_file: /etc/mailroom/fullchain.pem
  key_file: /etc/mailroom/privkey.pem
\`\`\`

## Settings

| Key | Environment variable | Default | Meaning |
| --- | --- | --- | --- |
`;

function showDefault(key: keyof typeof SETTINGS): string {
  const s = SETTINGS[key];
  if ('defaultDoc' in s && s.defaultDoc !== undefined) return s.defaultDoc;
  const d = s.default as unknown;
  if (d === undefined) return 'unset';
  if (Array.isArray(d)) return d.length === 0 ? 'empty' : `\`${d.join(',')}\``;
  return `\`${String(d)}\``;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigurationDoc(): string {
  const rows = (Object.keys(SETTINGS) as Array<keyof typeof SETTINGS>).map(
    (key) => `| \`${key}\` | \`${envName(key)}\`${envAliasOf(key) ? ` or \`${envAliasOf(key)}\`` : ''} | ${cell(showDefault(key))} | ${cell(SETTINGS[key].doc)} |`,
  );
  return `${INTRO}${rows.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync(CONFIGURATION_DOC, renderConfigurationDoc());
  process.stdout.write(`wrote ${CONFIGURATION_DOC}\n`);
}
