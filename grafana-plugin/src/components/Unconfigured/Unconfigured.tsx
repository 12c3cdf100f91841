// What every page shows while the app has no admin API URL or viewer token (or Grafana has no settings for
// it at all and its proxy answers "Failed to fetch plugin settings"): one sentence and the way to the
// configuration page, instead of a raw 500. A plain link: Grafana routes in-app links itself.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { config } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';
import { CONFIG_PAGE_URL } from '../../constants';
import { testIds } from '../../testIds';

/** `missing`: what the settings lack, when known (e.g. ["API URL", "viewer token"]). */
export function Unconfigured({ missing = [] }: { missing?: readonly string[] }) {
  const s = useStyles2(getStyles);
  return (
    <p data-testid={testIds.unconfigured}>
      The Mailroom app is not configured yet{missing.length > 0 && ` (it has no ${missing.join(' and no ')})`}: a Grafana Admin sets Mailroom&apos;s API URL and tokens on the{' '}
      <a className={s.link} href={`${config.appSubUrl ?? ''}${CONFIG_PAGE_URL}`}>
        app&apos;s configuration page
      </a>
      .
    </p>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  link: css({ color: theme.colors.text.link, textDecoration: 'underline' }),
});
