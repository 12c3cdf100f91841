// The signed-in user's role in the current Grafana org, as Grafana's proxy checks it against reqRole.
import { config } from '@grafana/runtime';

export function useOrgRole(): string {
  return config.bootData?.user?.orgRole || 'None';
}
