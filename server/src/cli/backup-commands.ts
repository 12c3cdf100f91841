// `mailroom backup|restore` (the whole SQLite store) and `mailroom mailbox export|import` (one account,
// mbox or maildir). The work is in backup/; here are the arguments, the data directory lock around a
// restore, and the lines printed.
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/settings.ts';
import { sqliteFile } from '../backup/database-file.ts';
import { exportMailbox, type ExportFormat } from '../backup/mailbox-export.ts';
import { importMailbox } from '../backup/mailbox-import.ts';
import { restoreSqlite } from '../backup/restore.ts';
import { backupSqlite } from '../backup/snapshot.ts';
import { LOCK_FILE, lockDataDir } from '../service/data-dir-lock.ts';
import { address, out, withStore } from './directory-commands.ts';
import { CliError } from './errors.ts';

const FORMATS: readonly ExportFormat[] = ['mbox', 'maildir'];

export function registerBackupCommands(program: Command, config: () => Config): void {
  program
    .command('backup <file>')
    .description('Copy the SQLite store to FILE while the server runs (a consistent snapshot); PostgreSQL: use pg_dump.')
    .action((file: string) => {
      backupSqlite(sqliteFile(config(), 'backup'), file, out);
    });

  program
    .command('restore <file>')
    .description('Restore a backup into an empty data directory (no server running on it), then start the server.')
    .action((file: string) => {
      const c = config();
      const databaseFile = sqliteFile(c, 'restore');
      // Taking the lock refuses while a server holds the directory, and keeps one from starting meanwhile.
      const lock = lockDataDir(c.data_dir);
      try {
        restoreSqlite(file, { dataDir: c.data_dir, databaseFile, ignore: [LOCK_FILE] }, out);
      } finally {
        lock.release();
      }
    });

  const mailbox = program.command('mailbox').description("One account's mail as mbox or maildir files.");
  mailbox
    .command('export <address>')
    .description("Write an account's mail as an mbox file (one mailbox) or a Maildir++ directory (every mailbox).")
    .requiredOption('--format <format>', `mbox or maildir`)
    .option('--output <path>', 'file or directory to create (default ADDRESS.mbox or ADDRESS.maildir)')
    .option('--mailbox <name>', 'the mailbox to export (mbox: default INBOX; maildir: default every mailbox)')
    .action((addr: string, opts: { format: string; output?: string; mailbox?: string }) =>
      withStore(config, async (store) => {
        if (!FORMATS.includes(opts.format as ExportFormat)) throw new CliError(`--format must be mbox or maildir, not ${JSON.stringify(opts.format)}`);
        const format = opts.format as ExportFormat;
        const output = opts.output ?? `${address(addr)}.${format}`;
        const result = await exportMailbox(store, { address: address(addr), format, output, mailbox: opts.mailbox });
        out(`exported ${result.messages} messages from ${result.mailboxes} mailboxes of ${address(addr)} to ${path.resolve(output)} (${format})`);
      }),
    );
  mailbox
    .command('import <address> <file>')
    .description("Add the mail of an mbox file or a maildir directory to an account's mailboxes, with its flags.")
    .option('--mailbox <name>', 'mbox: the mailbox to import into (default INBOX, created when missing)')
    .action((addr: string, file: string, opts: { mailbox?: string }) =>
      withStore(config, async (store) => {
        const result = await importMailbox(store, address(addr), file, opts.mailbox);
        out(`imported ${result.messages} messages into ${result.mailboxes} mailboxes of ${address(addr)} from ${path.resolve(file)}`);
      }),
    );
}
