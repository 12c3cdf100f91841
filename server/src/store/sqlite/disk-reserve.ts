// The reserve: a file of RESERVE_BYTES next to the database, given back to the filesystem when a write
// finds the disk full. SQLite needs free space to delete: a checkpoint copies the WAL into the database
// file (which may have to grow), and a DELETE writes its pages to the WAL. On a disk filled to the last
// block even removing an account failed, so space could not be freed through Mailroom. With the reserve
// released there is room for that; and while it is missing, writes that add mail are refused up front
// (disk-guard.ts), so the room goes to deletions and not to the next message.
//
// The file's presence is the state, shared by every process on the data dir (the server, its accept
// worker's writes, the CLI). It comes back once the filesystem has RESERVE_BYTES free beyond it.
// disk-guard.ts asks before every write that adds data, so what this process last saw is trusted for
// RECHECK_MS (a stat per write cost every APPEND and every accepted message a system call); its own
// changes are known at once, and a failed write releases (unlinks) whatever another process left.
import fs from 'node:fs';
import path from 'node:path';

/**
 * 8 MiB: twice what a checkpoint of a full WAL (SQLite's default autocheckpoint, 1000 pages of 4 KiB)
 * may need to grow the database by. Deleting mail itself writes little: freed pages only go on the
 * free list (secure_delete is off).
 */
export const RESERVE_BYTES = 8 * 1024 * 1024;
/** How long a seen state of the file is trusted before it is looked at again. */
export const RECHECK_MS = 1000;

export class DiskReserve {
  private known: { held: boolean; at: number } | null = null;

  constructor(
    readonly file: string,
    readonly bytes = RESERVE_BYTES,
    private readonly now: () => number = () => performance.now(),
  ) {}

  static beside(databaseFile: string): DiskReserve {
    return new DiskReserve(path.join(path.dirname(databaseFile), `${path.basename(databaseFile)}.reserve`));
  }

  get held(): boolean {
    if (this.known && this.now() - this.known.at < RECHECK_MS) return this.known.held;
    return this.remember(fs.existsSync(this.file));
  }

  private remember(held: boolean): boolean {
    this.known = { held, at: this.now() };
    return held;
  }

  /** Held, or made now if the filesystem has room for it and as much again; false otherwise. */
  ensure(): boolean {
    if (this.held) return true;
    try {
      const { bavail, bsize } = fs.statfsSync(path.dirname(this.file));
      if (bavail * bsize < 2 * this.bytes) return false;
      // Written, not truncated to size: a sparse file would hold no blocks to give back.
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, Buffer.alloc(this.bytes));
      fs.renameSync(tmp, this.file);
      return this.remember(true);
    } catch {
      fs.rmSync(`${this.file}.tmp`, { force: true });
      return false;
    }
  }

  /** Gives the space back; true when this call released it. */
  release(): boolean {
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch {
      return false;
    } finally {
      this.remember(false);
    }
  }
}
