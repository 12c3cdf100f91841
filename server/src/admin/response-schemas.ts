// What the routes the Grafana app reads answer with, as zod schemas: openapi.ts turns them into the
// document's components (the plugin's TypeScript types are generated from that), the routes check their
// bodies against the inferred types at compile time (`satisfies`), and server/test/admin-api.test.ts parses
// real answers with them, strictly, so a field added, renamed or retyped in a route fails a test until
// this file (and so the document and the plugin's types) says the same.
import { z } from 'zod';
import { LOG_CATEGORIES, type LogCategory } from '../telemetry/log-categories.ts';
import { LISTENERS, PROTOCOLS } from '../telemetry/events.ts';

/** Every schema with a name in the document (components.schemas), and so a type in the plugin. */
export const apiSchemas = z.registry<{ id: string }>();

const isoTime = z.string().describe('ISO 8601 time');
const isoOrNull = isoTime.nullable();

export const scannerHealthSchema = z
  .strictObject({
    scanner: z.enum(['clamd', 'spamd']),
    address: z.string(),
    reachable: z.boolean().nullable().describe('null until the first check or scan'),
    version: z.string().nullable(),
    lastError: z.string().nullable().describe('kept after recovery'),
    lastErrorAt: isoOrNull,
    lastCheckedAt: isoOrNull,
    circuit: z.enum(['closed', 'open']).describe('open: known down; scans do not ask it and apply scan.unavailable_action until a probe gets an answer'),
    circuitOpenedAt: isoOrNull,
  })
  .register(apiSchemas, { id: 'ScannerHealth' });

export const serverInfoSchema = z
  .strictObject({
    running: z.boolean(),
    version: z.string(),
    hostname: z.string(),
    startedAt: isoOrNull.describe('null while stopped'),
    uptimeSeconds: z.number().int().nullable(),
    serviceStartedAt: isoTime,
    database: z.strictObject({ driver: z.enum(['sqlite', 'postgres']), version: z.string(), location: z.string() }).register(apiSchemas, { id: 'DatabaseInfo' }),
    listeners: z
      .array(
        z
          .strictObject({
            name: z.enum(LISTENERS).describe('the protocol, or its implicit TLS listener: submissions, imaps, pop3s'),
            protocol: z.enum(PROTOCOLS),
            address: z.string(),
            port: z.number().int(),
            tls: z.enum(['starttls', 'implicit', 'none']).describe('starttls: plaintext until STARTTLS/STLS; implicit: TLS from the first byte (RFC 8314)'),
          })
          .register(apiSchemas, { id: 'ListenerInfo' }),
      )
      .describe('empty while stopped'),
    scanners: z.array(scannerHealthSchema).describe('each configured daemon, asked now; empty when none is configured'),
  })
  .register(apiSchemas, { id: 'ServerInfo' });

const protocolCounts = z.strictObject({ smtp: z.number().int(), submission: z.number().int(), pop3: z.number().int(), imap: z.number().int() });

export const nodeListSchema = z
  .strictObject({
    nodes: z.array(
      z
        .strictObject({
          name: z.string().describe('cluster.node_name'),
          version: z.string(),
          startedAt: isoTime.describe('when the node registered (its process started)'),
          lastSeen: isoTime.describe("the last heartbeat, on the database's clock"),
          up: z.boolean().describe('heartbeat younger than the lease (cluster.lease_seconds of that node), and not stopped'),
          running: z.boolean().describe('the server (listeners and delivery) runs on it'),
          sessions: protocolCounts.describe('open sessions per protocol on that node'),
        })
        .register(apiSchemas, { id: 'NodeInfo' }),
    ),
  })
  .register(apiSchemas, { id: 'NodeList' });

export const statusInfoSchema = z
  .strictObject({
    running: z.boolean(),
    startedAt: isoOrNull,
    processedMessages: z.number(),
    virusesDetected: z.number(),
    spamDetected: z.number(),
    sessions: protocolCounts.describe('open sessions per protocol'),
  })
  .register(apiSchemas, { id: 'StatusInfo' });

export const warningSchema = z
  .strictObject({ id: z.string(), severity: z.enum(['critical', 'high', 'medium', 'low']), message: z.string(), remedy: z.string() })
  .register(apiSchemas, { id: 'Warning' });

export const warningListSchema = z
  .strictObject({ checkedAt: isoOrNull.describe('null before the first self-test'), count: z.number().int(), items: z.array(warningSchema) })
  .register(apiSchemas, { id: 'WarningList' });

const queueStateSchema = z.enum(['queued', 'deferred', 'held', 'in_flight']).register(apiSchemas, { id: 'QueueState' });

export const queueItemSchema = z
  .strictObject({
    id: z.string(),
    from: z.string().describe("'' is the null sender (bounces)"),
    to: z.array(z.string()).describe('recipients not yet delivered or bounced'),
    size: z.number().int(),
    createdAt: isoTime,
    source: z.enum(['smtp', 'submission', 'api', 'pop3_fetch', 'bounce']),
    state: queueStateSchema,
    held: z.boolean(),
    attempts: z.number().int(),
    nextAttemptAt: isoOrNull,
    lastError: z.string().nullable(),
    recipients: z.array(
      z
        .strictObject({
          address: z.string(),
          destination: z.enum(['local', 'remote']),
          state: z.enum(['queued', 'in_flight', 'deferred', 'delivered', 'bounced']),
          attempts: z.number().int(),
          nextAttemptAt: isoOrNull,
          lastAttemptAt: isoOrNull,
          lastError: z.string().nullable(),
        })
        .register(apiSchemas, { id: 'QueueRecipient' }),
    ),
  })
  .register(apiSchemas, { id: 'QueueItem' });

export const queuePageSchema = z
  .strictObject({
    total: z.number().int(),
    totalExact: z.boolean().describe('false when a search matched more than 1,000 messages: total is then a lower bound (1,000)'),
    offset: z.number().int(),
    limit: z.number().int(),
    items: z.array(queueItemSchema),
  })
  .register(apiSchemas, { id: 'QueuePage' });

/** What a queue action answers: the message as it is now, or that it left the queue (a bounce may). */
export const queueActionResultSchema = z.union([queueItemSchema, z.strictObject({ id: z.string(), removed: z.literal(true) })]).register(apiSchemas, { id: 'QueueActionResult' });

export const removedCountSchema = z.strictObject({ removed: z.number().int() }).register(apiSchemas, { id: 'RemovedCount' });
export const queueBulkResultSchema = z
  .strictObject({ action: z.string(), done: z.number().int(), failed: z.array(z.strictObject({ id: z.string(), message: z.string() })) })
  .register(apiSchemas, { id: 'QueueBulkResult' });
export const messageCountSchema = z.strictObject({ messages: z.number().int() }).register(apiSchemas, { id: 'MessageCount' });

export const parsedMessageSchema = z
  .strictObject({
    headers: z.array(z.strictObject({ name: z.string(), value: z.string() })),
    subject: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    date: isoOrNull,
    text: z.string().nullable(),
    html: z.string().nullable().describe('sanitised; only the first 128 KiB of the message HTML'),
    htmlTruncated: z.boolean().describe('the HTML was longer than 128 KiB and html holds only its beginning'),
    attachments: z.array(z.strictObject({ filename: z.string().nullable(), contentType: z.string(), size: z.number().int() })),
  })
  .register(apiSchemas, { id: 'ParsedMessage' });

const settingChangeSchema = z.strictObject({ key: z.string(), from: z.unknown(), to: z.unknown() });
export const reloadResultSchema = z
  .strictObject({
    applied: z.array(settingChangeSchema).describe('changed and now in effect'),
    restartNeeded: z.array(settingChangeSchema).describe('changed in the file or environment, not applied: they take a restart of the process'),
  })
  .register(apiSchemas, { id: 'ReloadResult' });

export const loggingSettingsSchema = z
  .strictObject({ categories: z.strictObject(Object.fromEntries(LOG_CATEGORIES.map((c) => [c, z.boolean()])) as Record<LogCategory, z.ZodBoolean>) })
  .register(apiSchemas, { id: 'LoggingSettings' });

const traceAttemptFields = {
  recipient: z.string(),
  result: z.enum(['delivered', 'deferred', 'bounced']),
  mxHost: z.string().nullable().describe("the host tried last; 'local' for local delivery"),
  mxIp: z.string().nullable(),
  tls: z.string().nullable().describe("the outbound connection's TLS version, e.g. TLSv1.3; null for plain text"),
  replyCode: z.number().int().nullable(),
  replyText: z.string().nullable(),
  durationMs: z.number().int().nullable(),
};

export const traceSummarySchema = z
  .strictObject({
    id: z.string().describe('the queue id'),
    messageId: z.string().nullable().describe('the Message-ID header, without angle brackets'),
    from: z.string().describe("'' is the null sender (bounces)"),
    to: z.array(z.string()),
    size: z.number().int(),
    source: z.enum(['smtp', 'submission', 'api', 'pop3_fetch', 'bounce']),
    acceptedAt: isoTime,
    finishedAt: isoOrNull.describe('when it left the queue; null while queued'),
    state: z.enum(['queued', 'finished']),
  })
  .register(apiSchemas, { id: 'TraceSummary' });

export const tracePageSchema = z
  .strictObject({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), items: z.array(traceSummarySchema) })
  .register(apiSchemas, { id: 'TracePage' });

export const traceEventSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('accepted'),
      time: isoTime,
      node: z.string().nullable(),
      clientAddress: z.string().nullable(),
      tls: z.string().nullable().describe("the client's TLS version; null for plain text"),
      size: z.number().int(),
      scan: z.string().nullable().describe('the content scan verdicts; null when not scanned'),
    }),
    z.strictObject({ type: z.literal('attempt'), time: isoTime, ...traceAttemptFields }),
    z.strictObject({ type: z.literal('left_queue'), time: isoTime }),
  ])
  .register(apiSchemas, { id: 'TraceEvent' });

export const traceTimelineSchema = z
  .strictObject({
    ...traceSummarySchema.shape,
    recipients: z
      .array(
        z.strictObject({
          address: z.string(),
          state: z.enum(['queued', 'in_flight', 'deferred', 'delivered', 'bounced', 'removed']).describe('removed: it left the queue without a final outcome (an operator removed it)'),
        }),
      )
      .describe('each recipient as it stands: from the queue while queued, else from its last attempt'),
    events: z.array(traceEventSchema).describe('oldest first'),
    omittedAttempts: z.number().int().describe('attempts beyond the 100 kept per message'),
  })
  .register(apiSchemas, { id: 'TraceTimeline' });
const routeSecuritySchema = z.enum(['opportunistic', 'starttls', 'tls']).register(apiSchemas, { id: 'RouteSecurity' });
export const routeSchema = z
  .strictObject({
    domain: z.string().describe("a destination domain, or '*': every remote domain without a route of its own"),
    host: z.string(),
    port: z.number().int(),
    security: routeSecuritySchema,
    username: z.string().nullable(),
    password: z.literal('********').nullable().describe('masked: set or not, never the value'),
    createdAt: z.string(),
  })
  .register(apiSchemas, { id: 'Route' });
export const routeListSchema = z
  .strictObject({
    items: z.array(routeSchema),
    relay: z
      .strictObject({ host: z.string(), port: z.number().int(), security: routeSecuritySchema, username: z.string().nullable(), password: z.literal('********').nullable() })
      .nullable()
      .describe('the relay setting: where mail goes when no route matches (null: MX)'),
  })
  .register(apiSchemas, { id: 'RouteList' });

export const distributionListSchema = z
  .strictObject({
    address: z.string(),
    policy: z.enum(['anyone', 'members', 'authenticated']).describe('who may send: anyone, members (by envelope sender) or authenticated clients'),
    members: z.array(z.string()).describe('lower-case, sorted; local or remote addresses, other lists too'),
    createdAt: z.string(),
  })
  .register(apiSchemas, { id: 'DistributionList' });
export const distributionListListSchema = z.strictObject({ items: z.array(distributionListSchema) }).register(apiSchemas, { id: 'DistributionListList' });
export const catchAllSchema = z.strictObject({ domain: z.string(), target: z.string() }).register(apiSchemas, { id: 'CatchAll' });
export const catchAllListSchema = z.strictObject({ items: z.array(catchAllSchema) }).register(apiSchemas, { id: 'CatchAllList' });

export type ScannerHealthJson = z.output<typeof scannerHealthSchema>;
export type ServerInfo = z.output<typeof serverInfoSchema>;
export type StatusInfo = z.output<typeof statusInfoSchema>;
export type NodeList = z.output<typeof nodeListSchema>;
export type NodeInfo = NodeList['nodes'][number];
export type WarningList = z.output<typeof warningListSchema>;
export type QueueItemJson = z.output<typeof queueItemSchema>;
export type TracePage = z.output<typeof tracePageSchema>;
export type TraceTimeline = z.output<typeof traceTimelineSchema>;
export type ParsedMessageJson = z.output<typeof parsedMessageSchema>;
export type LoggingSettings = z.output<typeof loggingSettingsSchema>;
export type RouteList = z.output<typeof routeListSchema>;
export type DistributionListJson = z.output<typeof distributionListSchema>;
export type CatchAllList = z.output<typeof catchAllListSchema>;
