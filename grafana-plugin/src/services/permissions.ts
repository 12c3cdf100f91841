// What the signed-in Grafana user may do, mirroring plugin.json's reqRole on the proxy routes: reads need
// Viewer, server/queue actions Editor, logging settings Admin. Grafana enforces it on the proxy; the pages
// only use it to disable buttons that would be refused and to say why.

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

const RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

export function roleIncludes(role: string | undefined, needed: OrgRole): boolean {
  return (RANK[role ?? 'None'] ?? 0) >= RANK[needed]!;
}

export const canOperate = (role: string | undefined) => roleIncludes(role, 'Editor');
export const canAdminister = (role: string | undefined) => roleIncludes(role, 'Admin');

export const NEEDS_EDITOR = 'Needs the Editor or Admin role in Grafana';
export const NEEDS_ADMIN = 'Needs the Admin role in Grafana';
