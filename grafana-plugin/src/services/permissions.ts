// What the signed-in Grafana user may do, mirroring plugin.json: its RBAC actions (Grafana 11.6+, `action`
// on pages and `reqAction` on proxy routes) and, for older Grafana or RBAC off, the `reqRole` on each route.
// Reads need Viewer (queue:read), queue and server actions and message content Editor (queue:write,
// content:read), logging settings Admin (server:write). Grafana enforces it on the proxy; the pages use it
// to hide what would be refused.

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

const RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

export function roleIncludes(role: string | undefined, needed: OrgRole): boolean {
  return (RANK[role ?? 'None'] ?? 0) >= RANK[needed]!;
}

export const ACTIONS = {
  queueRead: 'mailroom-admin-app.queue:read',
  queueWrite: 'mailroom-admin-app.queue:write',
  contentRead: 'mailroom-admin-app.content:read',
  serverWrite: 'mailroom-admin-app.server:write',
} as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/** The basic role each action is granted to in plugin.json (and the reqRole of its routes). */
export const ACTION_ROLE: Record<Action, OrgRole> = {
  [ACTIONS.queueRead]: 'Viewer',
  [ACTIONS.queueWrite]: 'Editor',
  [ACTIONS.contentRead]: 'Editor',
  [ACTIONS.serverWrite]: 'Admin',
};

/** Grafana's own action for Explore (Editors by default; Viewers only with viewers_can_edit). */
export const EXPLORE_ACTION = 'datasources:explore';

export interface GrafanaUser {
  orgRole?: string;
  /** Grafana 9+ boot data: the user's RBAC actions in this org (present when access control runs). */
  permissions?: Record<string, boolean>;
}

/**
 * Whether the user holds `action`: by RBAC when Grafana sent the user's permissions (a custom role may
 * grant or withhold more than the basic role), otherwise by the basic role the action is granted to.
 */
export function userCan(user: GrafanaUser | undefined, action: Action | typeof EXPLORE_ACTION): boolean {
  const perms = user?.permissions;
  if (perms && Object.keys(perms).length > 0) return perms[action] === true;
  const needed: OrgRole = action === EXPLORE_ACTION ? 'Editor' : ACTION_ROLE[action];
  return roleIncludes(user?.orgRole, needed);
}

export interface Access {
  /** Queue, state and errors (envelope only). */
  read: boolean;
  /** Queue and server actions (operator token). */
  operate: boolean;
  /** Message headers, text, attachments and raw source (operator token). */
  readContent: boolean;
  /** The server's logging settings (admin token). */
  administer: boolean;
  /** Grafana's Explore, where the live log's Loki query opens. */
  explore: boolean;
}

export function accessOf(user: GrafanaUser | undefined): Access {
  return {
    read: userCan(user, ACTIONS.queueRead),
    operate: userCan(user, ACTIONS.queueWrite),
    readContent: userCan(user, ACTIONS.contentRead),
    administer: userCan(user, ACTIONS.serverWrite),
    explore: userCan(user, EXPLORE_ACTION),
  };
}

export const canOperate = (role: string | undefined) => roleIncludes(role, 'Editor');
export const canAdminister = (role: string | undefined) => roleIncludes(role, 'Admin');

export const NEEDS_EDITOR = 'Needs the Editor or Admin role in Grafana';
export const NEEDS_ADMIN = 'Needs the Admin role in Grafana';
