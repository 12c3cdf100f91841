import { describe, expect, it } from 'vitest';
import { canAdminister, canOperate, roleIncludes } from './permissions';

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
