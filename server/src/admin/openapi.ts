// The OpenAPI 3.1 description of the admin API, served at /api/v1/openapi.json. Query parameter
// schemas come from the same zod schemas the routes validate with, so they cannot disagree; response
// schemas (components.schemas) from response-schemas.ts, which the routes' bodies satisfy and the API test
// parses real answers with. The Grafana app's types are generated from this document.
import { z } from 'zod';
import { apiSchemas } from './response-schemas.ts';
import { banCreateSchema } from './routes/bans.ts';
import { dkimKeyCreateSchema } from './routes/dkim-keys.ts';
import { routeCreateSchema } from './routes/mail-routes.ts';
import { catchAllSetSchema, listCreateSchema, listMemberSchema, listUpdateSchema } from './routes/lists.ts';
import { fetchAccountCreateSchema, fetchAccountUpdateSchema } from './routes/fetch-accounts.ts';
import { quarantineListSchema } from './routes/quarantine.ts';
import { contentQuerySchema, queueBulkSchema } from './routes/queue.ts';
import { auditQuerySchema } from './routes/audit.ts';
import { queueFilterSchema, queueListSchema } from './routes/queue-filter.ts';
import { traceQuerySchema } from './routes/trace.ts';

type Role = 'viewer' | 'operator' | 'admin';
interface Op {
  summary: string;
  role: Role | null;
  query?: z.ZodObject;
  body?: Record<string, unknown>;
  ok?: number;
  produces?: string;
  /** The JSON answer's schema: an id in response-schemas.ts. */
  response?: string;
  /** Alternative answers by query (`?format=parsed`): media type and schema id. */
  alsoProduces?: { type: string; response: string };
}

const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });

// Error answers by reference: written out at each of the ~200 error responses they made the document (and
// the Grafana app's generated types) ten times longer.
const errorSchema = { $ref: '#/components/schemas/Error' };
const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const errorResponse = (description: string) => ({ description, ...json(errorSchema) });
const errorResponses = {
  MisdirectedRequest: errorResponse('The Host header names a host this port does not answer to (admin.allowed_hosts)'),
  Unauthorized: errorResponse('Missing or invalid token (a wrong one is answered after auth.failure_delay_ms)'),
  ForbiddenViewer: errorResponse("The token's role is below viewer"),
  ForbiddenOperator: errorResponse("The token's role is below operator"),
  ForbiddenAdmin: errorResponse("The token's role is below admin"),
  BadParameters: errorResponse('Bad parameters'),
  ValidationFailed: errorResponse('Body fails validation'),
  NotFound: errorResponse('Not found'),
};
const errorComponent = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The named response schemas, without the per-schema `$schema`/`$id` zod writes (the document is one schema space). */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}`, io: 'output' });
  // z.int() bounds are the safe-integer range: noise in a document a person reads.
  const SAFE = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$schema' || k === '$id' || ((k === 'minimum' || k === 'maximum') && SAFE.has(x as number))) continue;
      out[k] = clean(x);
    }
    return out;
  };
  return clean(schemas) as Record<string, unknown>;
}
const bodySchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
const fetchAccountCreateBody = bodySchema(fetchAccountCreateSchema);
const fetchAccountUpdateBody = bodySchema(fetchAccountUpdateSchema);
const banCreateBody = bodySchema(banCreateSchema);
const dkimKeyCreateBody = bodySchema(dkimKeyCreateSchema);
const queueBulkBody = bodySchema(queueBulkSchema);
const routeCreateBody = bodySchema(routeCreateSchema);
const listCreateBody = bodySchema(listCreateSchema);
const listUpdateBody = bodySchema(listUpdateSchema);
const listMemberBody = bodySchema(listMemberSchema);
const catchAllSetBody = bodySchema(catchAllSetSchema);

const OPS: Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Op>>> = {
  '/healthz': { get: { summary: 'The service is up and its database answers: 200 {status: ok}, or 503 {status: unhealthy, database: why} (no token needed).', role: null } },
  '/readyz': { get: { summary: 'The server component accepts mail: 200, or 503 while it is stopped (no token needed).', role: null } },
  '/metrics': { get: { summary: 'Prometheus metrics (optionally behind admin.metrics_token).', role: null, produces: 'text/plain' } },
  '/api/v1/openapi.json': { get: { summary: 'This document.', role: null } },
  '/api/v1/server': {
    get: {
      summary:
        'Server state: running, version, start time, uptime, database, listeners, and each configured scanner (clamd, spamd) asked now: reachable, version, last error, circuit (open: known down, not asked by scans until a probe gets an answer) and circuitOpenedAt.',
      role: 'viewer',
      response: 'ServerInfo',
    },
  },
  '/api/v1/server/start': { post: { summary: 'Start the server (listeners and delivery).', role: 'operator', response: 'ServerInfo' } },
  '/api/v1/server/stop': { post: { summary: 'Stop the server; the service, this API and metrics keep running.', role: 'operator', response: 'ServerInfo' } },
  '/api/v1/server/reload': {
    post: {
      summary: 'Read the configuration again (as SIGHUP does): apply what can change while running, list what needs a restart. 400 for a bad configuration (the running settings stay).',
      role: 'admin',
      response: 'ReloadResult',
    },
  },
  '/api/v1/nodes': {
    get: { summary: 'The nodes sharing this database (on SQLite: this one): version, start, last heartbeat, up, running, sessions per protocol.', role: 'viewer', response: 'NodeList' },
  },
  '/api/v1/nodes/{name}': {
    delete: { summary: 'Forget a node that is down (retired): it leaves the list, the warnings and mailroom_cluster_node_up. 409 while it is up, 404 for an unknown node.', role: 'operator', ok: 204 },
  },
  '/api/v1/nodes/{name}/start': { post: { summary: 'Ask a node to start its server; it applies the wish within a second. 404 for an unknown node.', role: 'operator', response: 'NodeInfo' } },
  '/api/v1/nodes/{name}/stop': { post: { summary: 'Ask a node to stop its server; it applies the wish within a second. 404 for an unknown node.', role: 'operator', response: 'NodeInfo' } },
  '/api/v1/status': { get: { summary: 'Start time, processed/virus/spam counters, open sessions per protocol.', role: 'viewer', response: 'StatusInfo' } },
  '/api/v1/warnings': { get: { summary: 'Configuration warnings from the self-test.', role: 'viewer', response: 'WarningList' } },
  '/api/v1/warnings/recheck': { post: { summary: 'Run the self-test now.', role: 'operator', response: 'WarningList' } },
  '/api/v1/queue': {
    get: { summary: 'A page of the delivery queue: {total, items}.', role: 'viewer', query: queueListSchema, response: 'QueuePage' },
    delete: { summary: 'Clear the queue, or only the messages matching the filter: {removed}.', role: 'operator', query: queueFilterSchema, response: 'RemovedCount' },
  },
  '/api/v1/queue/send-now': { post: { summary: 'Make every matching message due now: {messages}.', role: 'operator', query: queueFilterSchema, response: 'MessageCount' } },
  '/api/v1/trace': {
    get: {
      summary:
        'Find messages, queued or finished within delivery.history_days, by queue id, Message-ID, sender or recipient (substring, case-insensitive), newest first: {total, items}. 400 for a from/to that is not a time or from not before to.',
      role: 'viewer',
      query: traceQuerySchema,
      response: 'TracePage',
    },
  },
  '/api/v1/trace/{id}': {
    get: {
      summary: "One message's timeline: acceptance (node, client, TLS, size, scan verdicts), every attempt per recipient (MX host and address, TLS, reply, duration), leaving the queue.",
      role: 'viewer',
      response: 'TraceTimeline',
    },
  },
  '/api/v1/queue/bulk': {
    post: {
      summary:
        'One action (send-now, hold, release, bounce, remove) on up to 1000 selected messages in one request: {action, done, failed: [{id, message}]}; a message that cannot be acted on (gone, held for send-now) is listed in failed, the others are done.',
      role: 'operator',
      body: queueBulkBody,
      response: 'QueueBulkResult',
    },
  },
  '/api/v1/queue/{id}': {
    get: { summary: 'One queued message with its recipients.', role: 'viewer', response: 'QueueItem' },
    delete: { summary: 'Remove a message from the queue.', role: 'operator', ok: 204 },
  },
  '/api/v1/queue/{id}/content': {
    get: {
      summary:
        'The message (operator: content is private; viewers see the envelope from GET /api/v1/queue/{id}): raw message/rfc822, or ?format=parsed for headers, text, sanitised HTML (the first 128 KiB; htmlTruncated) and attachments. A parsed view of more than 500 MIME parts or over 10 s of work is 422 too_complex; 503 busy while two views are being made.',
      role: 'operator',
      query: contentQuerySchema,
      produces: 'message/rfc822',
      alsoProduces: { type: 'application/json', response: 'ParsedMessage' },
    },
  },
  '/api/v1/queue/{id}/send-now': {
    post: { summary: 'Deliver now (a free worker starts at once, or the next one to come free). 409 while the message is held: release it first.', role: 'operator', response: 'QueueActionResult' },
  },
  '/api/v1/queue/{id}/hold': { post: { summary: 'Hold: no delivery attempts until released.', role: 'operator', response: 'QueueActionResult' } },
  '/api/v1/queue/{id}/release': { post: { summary: 'Release a held message.', role: 'operator', response: 'QueueActionResult' } },
  '/api/v1/queue/{id}/bounce': { post: { summary: 'Give up now and send the sender a DSN.', role: 'operator', response: 'QueueActionResult' } },
  '/api/v1/quarantine': { get: { summary: 'A page of quarantined messages, newest first: {total, items} with sender, recipients and virus name.', role: 'viewer', query: quarantineListSchema } },
  '/api/v1/quarantine/{id}': {
    get: { summary: 'One quarantined message.', role: 'viewer' },
    delete: { summary: 'Delete a quarantined message for good.', role: 'operator', ok: 204 },
  },
  '/api/v1/quarantine/{id}/content': {
    get: {
      summary: 'The infected message: raw message/rfc822 as an attachment, or ?format=parsed.',
      role: 'operator',
      query: contentQuerySchema,
      produces: 'message/rfc822',
      alsoProduces: { type: 'application/json', response: 'ParsedMessage' },
    },
  },
  '/api/v1/quarantine/{id}/release': { post: { summary: 'Deliver to the original recipients: moved into the delivery queue (same id), due now, without another scan.', role: 'operator' } },
  '/api/v1/messages': {
    post: {
      summary:
        'Inject a raw message with its envelope (counts as processed, source api). Scanned like MX mail: 422 message_rejected (virus, spam over the reject score), 503 scanner_unavailable (scan.unavailable_action = tempfail), else 201 {id, outcome}.',
      role: 'admin',
      ok: 201,
      body: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { type: 'string' }, to: { type: 'array', items: { type: 'string' } }, raw: { type: 'string' }, rawBase64: { type: 'string' } },
      },
    },
  },
  '/api/v1/logging': {
    get: { summary: 'Which log categories are on: {categories: {smtp: true, ...}}.', role: 'viewer', response: 'LoggingSettings' },
    put: {
      summary: 'Switch log categories on or off (kept across restarts); answers with all of them.',
      role: 'admin',
      response: 'LoggingSettings',
      body: { type: 'object', required: ['categories'], properties: { categories: { type: 'object', additionalProperties: { type: 'boolean' } } } },
    },
  },
  '/api/v1/log/stream': {
    get: { summary: 'The live log as Server-Sent Events (event: log, event: dropped, heartbeat comments); ?category=a,b&session=ID.', role: 'viewer', produces: 'text/event-stream' },
  },
  '/api/v1/domains': {
    get: { summary: 'Local domains.', role: 'viewer' },
    post: { summary: 'Add a domain.', role: 'admin', ok: 201, body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  },
  '/api/v1/domains/{name}': { delete: { summary: 'Remove a domain with its accounts and aliases.', role: 'admin', ok: 204 } },
  '/api/v1/accounts': {
    get: {
      summary:
        'Accounts, each with quota: limitBytes and limitMessages in force (0: unlimited), ownBytes and ownMessages (null: quota.default_bytes / quota.default_messages apply), usedBytes and usedMessages (every message in every folder).',
      role: 'viewer',
    },
    post: {
      summary: 'Add an account.',
      role: 'admin',
      ok: 201,
      body: { type: 'object', required: ['address', 'password'], properties: { address: { type: 'string' }, password: { type: 'string', minLength: 8 } } },
    },
  },
  '/api/v1/accounts/{address}': {
    patch: {
      summary: 'Change the password and/or the storage quota (quotaBytes, quotaMessages: a whole number, 0 for unlimited, null for the configured default). At least one field.',
      role: 'admin',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { password: { type: 'string', minLength: 8 }, quotaBytes: { type: ['integer', 'null'], minimum: 0 }, quotaMessages: { type: ['integer', 'null'], minimum: 0 } },
      },
    },
    delete: { summary: 'Remove an account and its mail.', role: 'admin', ok: 204 },
  },
  '/api/v1/aliases': {
    get: { summary: 'Aliases.', role: 'viewer' },
    post: { summary: 'Add an alias.', role: 'admin', ok: 201, body: { type: 'object', required: ['address', 'target'], properties: { address: { type: 'string' }, target: { type: 'string' } } } },
  },
  '/api/v1/aliases/{address}': { delete: { summary: 'Remove an alias.', role: 'admin', ok: 204 } },
  '/api/v1/lists': {
    get: { summary: 'Distribution lists with their policy and members.', role: 'viewer', response: 'DistributionListList' },
    post: {
      summary:
        'Add a list in a local domain ({address, policy? anyone|members|authenticated, members?}). 201 with the list; 409 when the address is an account, alias or list; 422 for a domain that is not local.',
      role: 'admin',
      ok: 201,
      body: listCreateBody,
      response: 'DistributionList',
    },
  },
  '/api/v1/lists/{address}': {
    get: { summary: 'One list with its members.', role: 'viewer', response: 'DistributionList' },
    patch: { summary: "Change a list's policy ({policy}).", role: 'admin', body: listUpdateBody, response: 'DistributionList' },
    delete: { summary: 'Remove a list with its members.', role: 'admin', ok: 204 },
  },
  '/api/v1/lists/{address}/members': {
    post: {
      summary: 'Add a member ({address}: local, remote or another list). 201 with the list, 200 when it was a member already.',
      role: 'admin',
      ok: 201,
      body: listMemberBody,
      response: 'DistributionList',
    },
  },
  '/api/v1/lists/{address}/members/{member}': { delete: { summary: 'Remove a member.', role: 'admin', ok: 204 } },
  '/api/v1/catch-all': { get: { summary: 'Catch-alls: per local domain, the address that gets mail for its unknown local parts.', role: 'viewer', response: 'CatchAllList' } },
  '/api/v1/catch-all/{domain}': {
    put: { summary: "Set a local domain's catch-all ({target}); 404 for a domain that is not local.", role: 'admin', body: catchAllSetBody, response: 'CatchAll' },
    delete: { summary: "Remove a domain's catch-all; its unknown local parts are refused again.", role: 'admin', ok: 204 },
  },
  '/api/v1/fetch-accounts': {
    get: { summary: 'External POP3 accounts collected into local accounts (never with their password), with the last run time, last error and messages fetched.', role: 'viewer' },
    post: {
      summary: 'Add an external POP3 account. security: tls (port 995 by default), starttls or none (110). The password is stored as given (it must be sent to the remote server) and never returned.',
      role: 'admin',
      ok: 201,
      body: fetchAccountCreateBody,
    },
  },
  '/api/v1/fetch-accounts/{id}': {
    get: { summary: 'One external POP3 account.', role: 'viewer' },
    patch: { summary: 'Change settings of an external account (any of the fields of POST except account).', role: 'admin', body: fetchAccountUpdateBody },
    delete: { summary: 'Remove an external account and the UIDLs remembered for it.', role: 'admin', ok: 204 },
  },
  '/api/v1/fetch-accounts/{id}/fetch': {
    post: { summary: 'Fetch now, whatever the interval: {delivered, skipped, deleted, error}. 409 while the server is stopped or a fetch of it runs.', role: 'operator' },
  },
  '/api/v1/audit': {
    get: {
      summary:
        'The audit trail, newest first: {items: [{time, action, actor, source, details}]}: admin API actions, refused requests (api.refused), CLI changes (cli.*), logging switches. Never switched off.',
      role: 'admin',
      query: auditQuerySchema,
    },
  },
  '/api/v1/bans': {
    get: { summary: 'Banned client addresses: {items: [{address, reason (auto|manual), createdAt, expiresAt}]}.', role: 'viewer' },
    post: {
      summary: 'Ban an address by hand for durationSeconds (default auth.ban_duration_seconds; null: until lifted). Loopback only with auth.ban_loopback.',
      role: 'operator',
      ok: 201,
      body: banCreateBody,
    },
  },
  '/api/v1/bans/{address}': { delete: { summary: 'Lift a ban.', role: 'operator', ok: 204 } },
  '/api/v1/dkim-keys': {
    get: { summary: 'DKIM signing keys (?domain= for one): {items: [{domain, selector, algorithm, active, createdAt, dnsRecord: {name, type, value}}]}. Never the private key.', role: 'viewer' },
    post: {
      summary: 'Generate a key ({domain, selector?, algorithm? rsa|ed25519, bits? rsa only}); it becomes the active one. 201 with the DNS record to publish; 409 for a selector the domain has.',
      role: 'admin',
      ok: 201,
      body: dkimKeyCreateBody,
    },
  },
  '/api/v1/dkim-keys/{domain}/{selector}': { delete: { summary: 'Remove a key; the newest remaining key of the domain becomes active.', role: 'admin', ok: 204 } },
  '/api/v1/routes': {
    get: {
      summary: "Routes, '*' (the default smarthost) first, and the relay setting they fall back to; passwords masked as ********, never returned.",
      role: 'viewer',
      response: 'RouteList',
    },
    post: {
      summary:
        'Add or replace the route of a domain ({domain, nextHop host:port, security? opportunistic|starttls|tls, username?, password?}); credentials need starttls or tls. 201 with the route (password masked).',
      role: 'admin',
      ok: 201,
      body: routeCreateBody,
      response: 'Route',
    },
  },
  '/api/v1/routes/{domain}': { delete: { summary: "Remove a domain's route ('*' for the default); its mail goes by the default route, the relay setting or MX again.", role: 'admin', ok: 204 } },
};

function queryParameters(schema: z.ZodObject): unknown[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(OPS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      const params: unknown[] = [...(op.query ? queryParameters(op.query) : [])];
      const pathParam = /\{(\w+)\}/.exec(path);
      if (pathParam) params.push({ name: pathParam[1], in: 'path', required: true, schema: { type: 'string' } });
      const content: Record<string, unknown> = {};
      if (op.produces && op.produces !== 'application/json') content[op.produces] = {};
      if (op.response) content['application/json'] = { schema: ref(op.response) };
      if (op.alsoProduces) content[op.alsoProduces.type] = { schema: ref(op.alsoProduces.response) };
      const responses: Record<string, unknown> = {
        [String(op.ok ?? 200)]: { description: 'OK', ...(Object.keys(content).length ? { content } : {}) },
      };
      responses['421'] = errorRef('MisdirectedRequest');
      if (op.role) {
        responses['401'] = errorRef('Unauthorized');
        responses['403'] = errorRef(`Forbidden${op.role[0]!.toUpperCase()}${op.role.slice(1)}`);
      }
      if (op.query || op.body) responses['400'] = errorRef('BadParameters');
      if (op.body) responses['422'] = errorRef('ValidationFailed');
      if (pathParam) responses['404'] = errorRef('NotFound');
      paths[path]![method] = {
        summary: op.summary,
        ...(op.role ? { security: [{ bearer: [] }], 'x-required-role': op.role } : { security: [] }),
        ...(params.length ? { parameters: params } : {}),
        ...(op.body ? { requestBody: { required: true, ...json(op.body) } } : {}),
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Mailroom admin API', version, description: 'Roles: viewer (read), operator (queue and server actions), admin (everything). Errors: {"error": {"code", "message"}}.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorComponent, ...componentSchemas() }, responses: errorResponses },
    paths,
  };
}
