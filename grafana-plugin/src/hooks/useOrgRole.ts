// The signed-in user's role in the current Grafana org, and what it lets them do (services/permissions.ts).
import { config } from '@grafana/runtime';
import { accessOf, type Access } from '../services/permissions';

export function useOrgRole(): string {
  return config.bootData?.user?.orgRole || 'None';
}

export function useAccess(): Access {
  const user = config.bootData?.user as { orgRole?: string; permissions?: Record<string, boolean> } | undefined;
  return accessOf(user);
}
