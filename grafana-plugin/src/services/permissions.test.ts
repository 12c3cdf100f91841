import { describe, expect, it } from 'vitest';
import pluginJson from '../plugin.json';
import { accessOf, ACTION_ROLE, ACTIONS, canAdminister, canOperate, EXPLORE_ACTION, roleIncludes } from './permissions';

describe('permissions mirror plugin.json reqRole', () => {
  it('ranks None < Viewer < Editor < Admin', () => {
    expect(roleIncludes('Viewer', 'Viewer')).toBe(true);
    expect(roleIncludes('Viewer', 'Editor')).toBe(false);
    expect(roleIncludes('Admin', 'Editor')).toBe(true);
    expect(roleIncludes(undefined, 'Viewer')).toBe(false);
    expect(roleIncludes('Weird', 'Viewer')).toBe(false);
  });

  it('Editors act, Admins also change logging', () => {
    expect([canOperate('Viewer'), canOperate('Editor'), canOperate('Admin')]).toEqual([false, true, true]);
    expect([canAdminister('Editor'), canAdminister('Admin')]).toEqual([false, true]);
  });
});

describe('accessOf: RBAC actions when Grafana sends them, basic roles otherwise', () => {
  it('by basic role: Viewers read, Editors act and read content, Admins also administer', () => {
    expect(accessOf({ orgRole: 'Viewer' })).toEqual({ read: true, operate: false, readContent: false, administer: false, explore: false });
    expect(accessOf({ orgRole: 'Editor' })).toEqual({ read: true, operate: true, readContent: true, administer: false, explore: true });
    expect(accessOf({ orgRole: 'Admin' })).toEqual({ read: true, operate: true, readContent: true, administer: true, explore: true });
    expect(accessOf(undefined).read).toBe(false);
  });

  it('by RBAC: a Viewer given content:read by a custom role reads content; an Editor without it does not', () => {
    expect(accessOf({ orgRole: 'Viewer', permissions: { [ACTIONS.queueRead]: true, [ACTIONS.contentRead]: true } })).toMatchObject({ readContent: true, operate: false });
    expect(accessOf({ orgRole: 'Editor', permissions: { [ACTIONS.queueRead]: true, [ACTIONS.queueWrite]: true, [EXPLORE_ACTION]: true } })).toMatchObject({
      readContent: false,
      operate: true,
      explore: true,
    });
  });

  it('grants each action to the role plugin.json grants it to', () => {
    const grants = Object.fromEntries(pluginJson.roles.flatMap((r) => r.role.permissions.map((p) => [p.action, r.grants[0]])));
    expect(grants).toEqual(ACTION_ROLE);
  });
});
