// Follows data_dir/audit.jsonl and ships every new line: to stdout, to the live log and to Loki under the
// stream label category="audit". It follows the file rather than hooking the server's own calls so that
// changes made with the `mailroom` command (another process) are shipped too, in the order they were
// written. Lines already in the file when the server starts were shipped by an earlier run (or never:
// a CLI change made while no server ran is in the file and in GET /api/v1/audit, not in Loki).
import fs from 'node:fs';
import type { LiveLogHub } from '../telemetry/live-log.ts';
import type { LokiClient } from '../telemetry/loki/index.ts';
import type { AuditEvent } from './audit-log.ts';

const POLL_MS = 250;

export interface AuditSinks {
  live: LiveLogHub;
  loki: LokiClient | null;
  stdout: (line: string) => void;
}

export class AuditShipper {
  private offset = 0;
  private partial = Buffer.alloc(0);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly sinks: AuditSinks,
  ) {}

  start(): void {
    try {
      this.offset = fs.statSync(this.file).size;
    } catch {
      this.offset = 0;
    }
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** Ships what is new now (also called by the server right after it appends, so its own lines go out at once). */
  poll(): void {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return;
    }
    if (size < this.offset) {
      // Rotated: the new file starts from its beginning.
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return;
    const fd = fs.openSync(this.file, 'r');
    try {
      const chunk = Buffer.alloc(size - this.offset);
      fs.readSync(fd, chunk, 0, chunk.length, this.offset);
      this.offset = size;
      let text = Buffer.concat([this.partial, chunk]);
      let start = 0;
      for (let nl = text.indexOf(0x0a); nl >= 0; nl = text.indexOf(0x0a, start)) {
        this.ship(text.subarray(start, nl).toString('utf8'));
        start = nl + 1;
      }
      text = text.subarray(start);
      this.partial = Buffer.from(text);
    } finally {
      fs.closeSync(fd);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
  }

  private ship(line: string): void {
    let event: AuditEvent;
    try {
      event = JSON.parse(line) as AuditEvent;
    } catch {
      return;
    }
    // Shaped like the other log lines (pino's level and epoch time, category, msg), the event beside them.
    const json = JSON.stringify({
      level: 30,
      time: Date.parse(event.time),
      category: 'audit',
      msg: `audit ${event.action}`,
      action: event.action,
      actor: event.actor,
      source: event.source,
      details: event.details,
    });
    this.sinks.stdout(json);
    this.sinks.live.publish({ category: 'audit', session: undefined, json });
    this.sinks.loki?.push('audit', 'info', Date.parse(event.time), json);
  }
}
