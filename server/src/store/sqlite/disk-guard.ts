// What the SQLite store does about a full disk, around every method of the composed store:
// - a method that adds mail or data (GROWING) first makes sure the reserve (disk-reserve.ts) is held, and
//   is refused with DiskFullError without touching the database when it cannot be (whatever room is left
//   is kept for deleting), unless deletions left at least twice the reserve free inside the database
//   file: SQLite reuses those pages, while the filesystem never sees them come back;
// - a method that frees or only marks (FREEING: removals, expunge, flag changes, SELECT's \Recent claim)
//   that fails on a full disk releases the reserve and runs once more. Each is one statement or one
//   transaction, so the failed run changed nothing; after a deletion with the reserve gone, the WAL is
//   truncated so its space goes back to the filesystem;
// - any other failure on a full disk releases the reserve and becomes a DiskFullError.
import { DiskFullError, isDiskFull } from '../disk-full.ts';
import type { DiskReserve } from './disk-reserve.ts';
import type { Db } from './open.ts';

const GROWING = new Set([
  'acceptMessages',
  'enqueue',
  'deliverLocal',
  'appendMail',
  'appendMails',
  'copyMail',
  'moveMail',
  'createMailbox',
  'renameMailbox',
  'addDomain',
  'addAccount',
  'addAlias',
  'quarantine',
  'releaseQuarantined',
  'addFetchAccount',
  'rememberUidl',
  'recordFetchRun',
]);
const FREEING = new Set([
  'removeAccount',
  'removeDomain',
  'removeAlias',
  'removeMail',
  'expunge',
  'deleteMailbox',
  'setFlags',
  'claimRecent',
  'setSubscribed',
  'removeMessages',
  'deleteQuarantined',
  'removeFetchAccount',
  'removeBan',
  'pruneExpiredBans',
  'pruneHistory',
  'forgetUidlsExcept',
]);
const DELETING = new Set(['pruneHistory', 'removeAccount', 'removeDomain', 'removeMail', 'expunge', 'deleteMailbox', 'removeMessages', 'deleteQuarantined']);

/** Free pages inside the database file (mail deleted since the file last grew) of at least twice the reserve. */
function roomInside(db: Db, reserveBytes: number): boolean {
  const pages = db.pragma('freelist_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return pages * pageSize >= 2 * reserveBytes;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/** Wraps one of the store's methods (already bound to its part). */
export function guardMethod(name: string, method: Method, reserve: DiskReserve, db: Db): Method {
  const truncateWal = () => {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Readers hold the WAL, or there is still no room: the next deletion tries again.
    }
    reserve.ensure();
  };
  if (GROWING.has(name)) {
    return async (...args) => {
      if (!reserve.ensure() && !roomInside(db, reserve.bytes)) throw new DiskFullError();
      try {
        return await method(...args);
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        reserve.release();
        throw new DiskFullError();
      }
    };
  }
  return async (...args) => {
    try {
      const result = await method(...args);
      if (DELETING.has(name) && !reserve.held) truncateWal();
      return result;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      const released = reserve.release();
      if (!FREEING.has(name) || !released) throw new DiskFullError();
      try {
        const result = await method(...args);
        if (DELETING.has(name)) truncateWal();
        return result;
      } catch (again) {
        throw isDiskFull(again) ? new DiskFullError() : again;
      }
    }
  };
}
