// database.url for PostgreSQL: what is read from it, what is refused (naming the key, never showing the
// password), and the TLS settings each sslmode gives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/load.ts';
import { isPostgresUrl, maskUrl, parsePostgresUrl } from './url.ts';

describe('parsePostgresUrl', () => {
  it('reads user, password, host, port and database, decoding escapes', () => {
    expect(parsePostgresUrl('postgresql://mail%40room:p%40ss%2Fw@db.example.test:6543/mail_db')).toMatchObject({
      user: 'mail@room',
      password: 'p@ss/w',
      host: 'db.example.test',
      port: 6543,
      database: 'mail_db',
      ssl: false,
      masked: 'postgresql://mail%40room:***@db.example.test:6543/mail_db',
    });
    expect(parsePostgresUrl('postgres://127.0.0.1/m')).toMatchObject({ user: 'postgres', password: undefined, port: 5432 });
    expect(parsePostgresUrl('postgres://u@[::1]:5433/m').host).toBe('::1');
  });

  it('gives TLS without a certificate check for sslmode=require, with one for verify-full', () => {
    expect(parsePostgresUrl('postgres://u:p@h/d?sslmode=require').ssl).toEqual({ rejectUnauthorized: false });
    expect(parsePostgresUrl('postgres://u:p@h/d?sslmode=verify-full').ssl).toEqual({ rejectUnauthorized: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-pgurl-'));
    try {
      fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA PEM');
      expect(parsePostgresUrl(`postgres://u:p@h/d?sslmode=verify-full&sslrootcert=${path.join(dir, 'ca.pem')}`).ssl).toEqual({ rejectUnauthorized: true, ca: 'CA PEM' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot honour, naming database.url and hiding the password', () => {
    const refusal = (url: string) => {
      try {
        parsePostgresUrl(url);
        return 'accepted';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).key).toBe('database.url');
        expect((err as Error).message).not.toContain('s3cret');
        return (err as Error).message;
      }
    };
    expect(refusal('postgres://u:s3cret@h:5432/')).toBe('invalid setting database.url: postgres://u:***@h:5432/: no database name; expected postgres://user:password@host:port/database');
    expect(refusal('postgres://u:s3cret@h/d?sslmode=prefer')).toMatch(/sslmode=prefer is not supported; use disable, require, verify-full$/);
    expect(refusal('postgres://u:s3cret@h/d?connect_timeout=5')).toMatch(/unknown parameter connect_timeout/);
    expect(refusal('postgres://u:s3cret@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')).toMatch(/sslrootcert \/nonexistent\/ca.pem cannot be read/);
  });

  it('tells PostgreSQL URLs from others and masks only the password', () => {
    expect(isPostgresUrl('postgres://h/d')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://h/d')).toBe(true);
    expect(isPostgresUrl('sqlite:/x.db')).toBe(false);
    expect(maskUrl('postgres://u:a:b@c@h/d')).toBe('postgres://u:***@h/d');
    expect(maskUrl('postgres://u@h/d')).toBe('postgres://u@h/d');
  });
});
