// Checks an account's password for every protocol (through authenticator.ts). An unknown user costs the
// same scrypt work as a wrong password, so response times do not tell an attacker which addresses exist.
import { hashPassword, verifyPassword } from './password.ts';
import type { DirectoryStore } from '../store/store.ts';
import type { Account } from '../store/types.ts';

let decoyHash: Promise<string> | null = null;

export async function checkCredentials(store: Pick<DirectoryStore, 'findAccount'>, address: string, password: string): Promise<Account | null> {
  const account = address.length > 0 && address.length <= 254 ? await store.findAccount(address) : null;
  if (!account) {
    decoyHash ??= hashPassword('mailroom decoy password');
    await verifyPassword(password, await decoyHash);
    return null;
  }
  return (await verifyPassword(password, account.passwordHash)) ? account : null;
}
