// docs/configuration.md is generated from the catalogue; this fails whenever the two disagree.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './render-docs.ts';
import { SETTINGS, envName, envAliasOf, type SettingKey } from './settings.ts';

describe('docs/configuration.md', () => {
  it('is what the settings catalogue renders (run `npx tsx server/src/config/render-docs.ts` to update it)', () => {
    expect(fs.readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationDoc());
  });

  it('lists every setting with its environment variable', () => {
    const doc = renderConfigurationDoc();
    for (const key of Object.keys(SETTINGS)) {
      const alias = envAliasOf(key as SettingKey);
      expect(doc).toContain(`| \`${key}\` | \`${envName(key)}\`${alias ? ` or \`${alias}\`` : ''} |`);
    }
  });

  it('does not depend on the machine it was rendered on', () => {
    expect(renderConfigurationDoc()).not.toContain(`\`${SETTINGS.hostname.default}\``);
  });
});
