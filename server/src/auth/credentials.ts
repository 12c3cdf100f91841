// Checks an account's password for every protocol (through authenticator.ts). An unknown user costs the
// same scrypt work as a wrong password, so response times do not tell an attacker which addresses exist.
import { hashPassword, verifyPassword } from './password.ts';
import type { DirectoryStore } from '../store/store.ts';
import type { LoginCache } from './login-cache.ts';
import type { Account } from '../store/types.ts';

let decoyHash: Promise<string> | null = null;

/** A cache of recent successes (login-cache.ts) and how long to keep one; absent or 0: every login runs scrypt. */
export interface CredentialCache {
  cache: LoginCache;
  ttlSeconds: number;
}

export async function checkCredentials(store: Pick<DirectoryStore, 'findAccount'>, address: string, password: string, cached?: CredentialCache): Promise<Account | null> {
  const account = address.length > 0 && address.length <= 254 ? await store.findAccount(address) : null;
  if (!account) {
    decoyHash ??= hashPassword('mailroom decoy password');
    await verifyPassword(password, await decoyHash);
    return null;
  }
  const useCache = cached !== undefined && cached.ttlSeconds > 0;
  if (useCache && cached.cache.has(address, password, account)) return account;
  if (!(await verifyPassword(password, account.passwordHash))) return null;
  if (useCache) cached.cache.remember(address, password, account, cached.ttlSeconds);
  return account;
}
