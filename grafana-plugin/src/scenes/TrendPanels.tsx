// Renders a trend scene (serverTrends.ts, queueTrends.ts) inside a page, on the Prometheus data source
// picked on the configuration page. The time range lives in the URL (from, to), so a reload or a shared
// link shows the same range. Without a Prometheus data source it says where to pick one.
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { usePluginContext, type GrafanaTheme2 } from '@grafana/data';
import { config } from '@grafana/runtime';
import { UrlSyncContextProvider, type EmbeddedScene } from '@grafana/scenes';
import { useStyles2 } from '@grafana/ui';
import { CONFIG_PAGE_URL } from '../constants';
import type { AppJsonData } from '../services/settings';
import { testIds } from '../testIds';

interface Props {
  /** Names the section for tests and screen readers, e.g. "server". */
  name: string;
  /** Builds the scene for a data source uid; a module-level function, so the scene is built once per uid. */
  build: (datasourceUid: string) => EmbeddedScene;
}

export function TrendPanels({ name, build }: Props) {
  const s = useStyles2(getStyles);
  const uid = usePluginContext<AppJsonData>()?.meta.jsonData?.prometheusDatasourceUid?.trim();
  const scene = useMemo(() => (uid ? build(uid) : null), [build, uid]);
  if (!scene) {
    return (
      <p className={s.hint} data-testid={testIds.trends.noDatasource}>
        Trends over time need a Prometheus data source that scrapes Mailroom: pick it on the{' '}
        <a className={s.link} href={`${config.appSubUrl ?? ''}${CONFIG_PAGE_URL}`}>
          app&apos;s configuration page
        </a>
        .
      </p>
    );
  }
  return (
    <section className={s.section} aria-label="Trends" data-testid={testIds.trends.container(name)}>
      <UrlSyncContextProvider scene={scene} updateUrlOnInit={false} createBrowserHistorySteps={false}>
        <scene.Component model={scene} />
      </UrlSyncContextProvider>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ margin: theme.spacing(2, 0), minWidth: 0 }),
  hint: css({ color: theme.colors.text.secondary, margin: theme.spacing(2, 0) }),
  link: css({ color: theme.colors.text.link, textDecoration: 'underline' }),
});
