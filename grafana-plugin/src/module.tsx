// What Grafana loads: the app plugin with its root page and configuration page, both loaded lazily so
// Grafana's start-up only pays for this small file.
import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppPluginMeta, type AppRootProps, type PluginConfigPageProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppJsonData } from './services/settings';

const LazyApp = lazy(() => import('./pages/App'));
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));

function App(props: AppRootProps<AppJsonData>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function AppConfig(props: PluginConfigPageProps<AppPluginMeta<AppJsonData>>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  );
}

export const plugin = new AppPlugin<AppJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
