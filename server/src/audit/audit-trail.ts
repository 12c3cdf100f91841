// The server's audit trail: the file (audit-log.ts) and its shipper (audit-shipper.ts) together, so a
// line the server records goes out at once and a line the CLI records within a poll.
import { AuditLog, type AuditEvent, type AuditQuery } from './audit-log.ts';
import { AuditShipper, type AuditSinks } from './audit-shipper.ts';

export interface AuditRecorder {
  record(action: string, actor: string, source: string, details?: Record<string, unknown>): AuditEvent;
  read(query: AuditQuery): AuditEvent[];
}

export class AuditTrail implements AuditRecorder {
  private readonly log: AuditLog;
  private readonly shipper: AuditShipper;

  constructor(dataDir: string, sinks: AuditSinks) {
    this.log = new AuditLog(dataDir);
    this.shipper = new AuditShipper(this.log.file, sinks);
  }

  start(): void {
    this.shipper.start();
  }

  stop(): void {
    this.shipper.stop();
  }

  record(action: string, actor: string, source: string, details: Record<string, unknown> = {}): AuditEvent {
    const event = this.log.record(action, actor, source, details);
    this.shipper.poll();
    return event;
  }

  read(query: AuditQuery): AuditEvent[] {
    return this.log.read(query);
  }
}
