// Where a password given to `account add` / `account passwd` comes from. --password shows it to anyone
// who can list processes, so --password-stdin exists for scripts (`printf %s "$pw" | mailroom ...`).
import { CliError } from './errors.ts';

export interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

export async function readPassword(opts: PasswordOptions, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (opts.password !== undefined && opts.passwordStdin) throw new CliError('give either --password or --password-stdin, not both');
  let password: string;
  if (opts.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    // One trailing line break is what `echo` adds, not part of the password.
    password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  } else if (opts.password !== undefined) {
    password = opts.password;
  } else {
    throw new CliError('a password is required: --password <password> or --password-stdin');
  }
  if (password.length === 0) throw new CliError('the password must not be empty');
  return password;
}
