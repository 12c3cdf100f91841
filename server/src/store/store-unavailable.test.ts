import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from './database-unavailable.ts';
import { isStoreUnavailable } from './store-unavailable.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it('is true for a database that is away: refused, reset, terminated, shutting down, not accepting connections', () => {
    expect(isStoreUnavailable(new DatabaseUnavailableError('cannot reach PostgreSQL'))).toBe(true);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '08006', '08001', '57P01', '57P03', '53300', '3D000']) expect(isStoreUnavailable(coded(code)), code).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isStoreUnavailable(coded('55000', 'database "mail" is not currently accepting connections'))).toBe(true);
  });

  it('is false for bugs and bad data: constraint violations, syntax errors, anything else', () => {
    for (const code of ['23505', '23503', '42601', '22P02', '55000', 'SQLITE_CONSTRAINT']) expect(isStoreUnavailable(coded(code)), code).toBe(false);
    expect(isStoreUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isStoreUnavailable('a string')).toBe(false);
  });
});
