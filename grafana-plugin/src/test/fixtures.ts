// Admin API answers as the real routes shape them (server/src/admin/routes/*.ts).
import type { NodeInfo, ParsedMessage, QueueItem, QueuePage, ScannerHealth, ServerInfo, StatusInfo, WarningList } from '../api/types';

export const startedAt = new Date(Date.now() - (3 * 3600 + 25 * 60) * 1000).toISOString();

export const runningServer = (): ServerInfo => ({
  running: true,
  version: '0.1.0',
  hostname: 'mx.example.test',
  startedAt,
  uptimeSeconds: 3 * 3600 + 25 * 60,
  serviceStartedAt: startedAt,
  database: { driver: 'sqlite', version: '3.46.1', location: '/var/lib/mailroom/mailroom.db' },
  listeners: [
    { name: 'smtp', protocol: 'smtp', address: '127.0.0.1', port: 2525, tls: 'starttls' },
    { name: 'submission', protocol: 'submission', address: '127.0.0.1', port: 2587, tls: 'starttls' },
    { name: 'submissions', protocol: 'submission', address: '127.0.0.1', port: 2465, tls: 'implicit' },
  ],
  scanners: [],
});

/** A daemon as GET /api/v1/server reports it: reachable, circuit closed. */
export const scannerHealth = (overrides: Partial<ScannerHealth> = {}): ScannerHealth => ({
  scanner: 'clamd',
  address: '127.0.0.1:3310',
  reachable: true,
  version: 'ClamAV 1.4.6/27470',
  lastError: null,
  lastErrorAt: null,
  lastCheckedAt: startedAt,
  circuit: 'closed',
  circuitOpenedAt: null,
  ...overrides,
});

export const stoppedServer = (): ServerInfo => ({ ...runningServer(), running: false, startedAt: null, uptimeSeconds: null, listeners: [] });

export const status = (): StatusInfo => ({
  running: true,
  startedAt,
  processedMessages: 1234,
  virusesDetected: 5,
  spamDetected: 42,
  sessions: { smtp: 3, submission: 1, pop3: 0, imap: 2 },
});

export const warnings = (): WarningList => ({
  checkedAt: new Date().toISOString(),
  count: 3,
  items: [
    { id: 'tls.certificate_self_signed', severity: 'high', message: 'The TLS certificate is self-signed.', remedy: 'Install a certificate from a CA.' },
    { id: 'network.open_relay_risk', severity: 'critical', message: 'Trusted networks include 0.0.0.0/0.', remedy: 'Limit smtp.trusted_networks.' },
    { id: 'logging.debug_on', severity: 'low', message: 'Debug logging is on.', remedy: 'Turn the debug category off.' },
  ],
});

export const noWarnings = (): WarningList => ({ checkedAt: new Date().toISOString(), count: 0, items: [] });

export function queueItem(id: string, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    from: 'alice@example.test',
    to: ['bob@remote.test'],
    size: 2048,
    createdAt: '2025-11-28T10:00:00.000Z',
    source: 'smtp',
    state: 'deferred',
    held: false,
    attempts: 2,
    nextAttemptAt: '2025-11-28T10:30:00.000Z',
    lastError: '451 4.7.1 try again later',
    recipients: [
      {
        address: 'bob@remote.test',
        destination: 'remote',
        state: 'deferred',
        attempts: 2,
        nextAttemptAt: '2025-11-28T10:30:00.000Z',
        lastAttemptAt: '2025-11-28T10:10:00.000Z',
        lastError: '451 4.7.1 try again later',
      },
    ],
    ...overrides,
  };
}

export const ID1 = '01JDX3AAAAAAAAAAAAAAAAAAA1';
export const ID2 = '01JDX3AAAAAAAAAAAAAAAAAAA2';
export const ID3 = '01JDX3AAAAAAAAAAAAAAAAAAA3';

export const queuePage = (items: QueueItem[] = [queueItem(ID1), queueItem(ID2, { held: true, state: 'held', from: 'carol@example.test' })], total = items.length): QueuePage => ({
  total,
  totalExact: true,
  offset: 0,
  limit: 50,
  items,
});

export const parsed = (): ParsedMessage => ({
  headers: [
    { name: 'From', value: 'Alice <alice@example.test>' },
    { name: 'Subject', value: 'Quarterly report' },
  ],
  subject: 'Quarterly report',
  from: 'Alice <alice@example.test>',
  to: 'bob@remote.test',
  date: '2025-11-28T09:59:00.000Z',
  text: 'Hello Bob, the report is attached.',
  html: null,
  htmlTruncated: false,
  attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', size: 52_000 }],
});

export const RAW = 'From: Alice <alice@example.test>\r\nSubject: Quarterly report\r\n\r\nHello Bob, the report is attached.\r\n';

export const node = (over: Partial<NodeInfo> = {}): NodeInfo => ({
  name: 'mx1',
  version: '0.1.0',
  startedAt,
  lastSeen: new Date().toISOString(),
  up: true,
  running: true,
  sessions: { smtp: 3, submission: 1, pop3: 0, imap: 2 },
  ...over,
});
