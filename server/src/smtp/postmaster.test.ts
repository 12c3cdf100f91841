import { describe, expect, it } from 'vitest';
import { routePostmaster } from './postmaster.ts';

const directory = {
  isLocalDomain: async (name: string) => ['example.test', 'own.test'].includes(name),
  findAccount: async (address: string) => (address.toLowerCase() === 'postmaster@own.test' ? { id: 1, address, passwordHash: '', createdAt: 0 } : null),
  findAlias: async () => null,
};

describe('routePostmaster', () => {
  it('sends the bare postmaster and postmaster@ of a local domain without its own to the setting', async () => {
    for (const rcpt of ['postmaster', 'Postmaster', 'POSTMASTER', 'postmaster@example.test', 'PostMaster@EXAMPLE.TEST']) {
      expect(await routePostmaster(rcpt, directory, 'admin@elsewhere.test')).toEqual({ kind: 'configured', target: 'admin@elsewhere.test' });
    }
  });

  it('leaves postmaster@ alone where the directory has one, and in foreign domains', async () => {
    expect(await routePostmaster('postmaster@own.test', directory, 'admin@elsewhere.test')).toEqual({ kind: 'ordinary' });
    expect(await routePostmaster('postmaster@foreign.test', directory, 'admin@elsewhere.test')).toEqual({ kind: 'ordinary' });
    expect(await routePostmaster('alice@example.test', directory, 'admin@elsewhere.test')).toEqual({ kind: 'ordinary' });
    expect(await routePostmaster('postmaster.x@example.test', directory, 'admin@elsewhere.test')).toEqual({ kind: 'ordinary' });
  });

  it('says unconfigured when the setting is unset', async () => {
    expect(await routePostmaster('postmaster', directory, undefined)).toEqual({ kind: 'unconfigured' });
    expect(await routePostmaster('postmaster@example.test', directory, undefined)).toEqual({ kind: 'unconfigured' });
    expect(await routePostmaster('postmaster@own.test', directory, undefined)).toEqual({ kind: 'ordinary' });
  });
});
