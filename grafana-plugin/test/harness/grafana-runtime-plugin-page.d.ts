// The file webpack.harness.cjs aliases to @grafana/runtime's PluginPage module, whose setPluginPage
// Grafana calls at start-up but the package does not export.
declare module 'grafana-runtime-plugin-page' {
  import type { PluginPageType } from '@grafana/runtime';
  export function setPluginPage(component: PluginPageType): void;
}
