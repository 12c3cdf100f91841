// The audit file: one JSON object per line, appended by whichever process acts (server or CLI). Written
// synchronously: audit events are rare (operator actions), and an action must not be answered before its
// audit line is on its way to disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const AUDIT_FILE = 'audit.jsonl';
/** Past this size the file is rotated to audit.jsonl.1 (one old file kept). */
export const AUDIT_FILE_MAX_BYTES = 16 * 1024 * 1024;
const READ_CHUNK = 64 * 1024;

export interface AuditEvent {
  /** ISO time the event was recorded. */
  time: string;
  /** What was done: `queue.hold`, `account.create`, `api.refused`, `cli.domain.add`... */
  action: string;
  /** Who: `token:<name>` for the admin API, `cli:<os user>` for the command line, `anonymous` when unknown. */
  actor: string;
  /** Where from: the client address for the API, the host name for the CLI. */
  source: string;
  /** What it was done to and how it ended; never a secret. */
  details: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  /** Only actions starting with this, e.g. `queue.` */
  action?: string | undefined;
  /** Only events at or after this time (ms). */
  sinceMs?: number | undefined;
}

export class AuditLog {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, AUDIT_FILE);
  }

  record(action: string, actor: string, source: string, details: Record<string, unknown> = {}): AuditEvent {
    const event: AuditEvent = { time: new Date().toISOString(), action, actor, source, details };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.rotateIfFull();
    fs.appendFileSync(this.file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    return event;
  }

  /** Newest first, read backwards from the end of the file so a long trail costs only what is returned. */
  read(query: AuditQuery): AuditEvent[] {
    const found: AuditEvent[] = [];
    for (const line of linesFromEnd(this.file)) {
      let event: AuditEvent;
      try {
        event = JSON.parse(line) as AuditEvent;
      } catch {
        continue; // a line cut by a crash
      }
      if (query.sinceMs !== undefined && Date.parse(event.time) < query.sinceMs) break;
      if (query.action && !event.action.startsWith(query.action)) continue;
      found.push(event);
      if (found.length >= query.limit) break;
    }
    return found;
  }

  private rotateIfFull(): void {
    try {
      if (fs.statSync(this.file).size < AUDIT_FILE_MAX_BYTES) return;
      fs.renameSync(this.file, `${this.file}.1`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** The CLI's identity in the trail. */
export function cliActor(): { actor: string; source: string } {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (a container with an arbitrary uid)
  }
  return { actor: `cli:${user}`, source: os.hostname() };
}

function* linesFromEnd(file: string): Generator<string> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let position = fs.fstatSync(fd).size;
    // Bytes, not strings, until a whole line is cut out: a chunk may end inside a UTF-8 character.
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(READ_CHUNK, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      fs.readSync(fd, chunk, 0, size, position);
      let text = Buffer.concat([chunk, carry]);
      let end = text.length;
      for (let nl = text.lastIndexOf(0x0a, end - 1); nl >= 0; nl = text.lastIndexOf(0x0a, end - 1)) {
        if (end - nl > 1) yield text.subarray(nl + 1, end).toString('utf8');
        end = nl;
        if (end === 0) break;
      }
      text = text.subarray(0, end);
      carry = Buffer.from(text);
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
