// Write aside, then rename: a backup or export that is interrupted leaves the old file (or nothing) at
// the target, never half a file. fsync before the rename and of the directory after it, so the rename
// cannot reach the disk before the data.
import fs from 'node:fs';
import path from 'node:path';

export function asidePath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
}

export function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes the file (or directory tree) at `aside` durable and moves it to `target`. */
export function commitAside(aside: string, target: string): void {
  syncTree(aside);
  fs.renameSync(aside, target);
  fsyncPath(path.dirname(target));
}

function syncTree(p: string): void {
  if (fs.statSync(p).isDirectory()) for (const entry of fs.readdirSync(p)) syncTree(path.join(p, entry));
  fsyncPath(p);
}
