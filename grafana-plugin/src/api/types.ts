// The shapes the Mailroom admin API answers with, by the names the app uses. Every one is the server's own
// schema from its OpenAPI document (openapi-types.ts, generated: `npm run api:types`); only the app's
// request-side helpers (filters, list query, actions) are written here, and those are checked against the
// routes' documented query parameters.
import type { components } from './openapi-types';
import type { Query } from './routes';

type Schemas = components['schemas'];

export type ServerInfo = Schemas['ServerInfo'];
export type DatabaseInfo = Schemas['DatabaseInfo'];
export type ListenerInfo = Schemas['ListenerInfo'];
export type ScannerHealth = Schemas['ScannerHealth'];
export type StatusInfo = Schemas['StatusInfo'];
export type NodeInfo = Schemas['NodeInfo'];
export type Warning = Schemas['Warning'];
export type Severity = Warning['severity'];
export type WarningList = Schemas['WarningList'];
export type QueueItem = Schemas['QueueItem'];
export type QueueRecipient = Schemas['QueueRecipient'];
export type QueuePage = Schemas['QueuePage'];
export type QueueState = Schemas['QueueState'];
export type ParsedMessage = Schemas['ParsedMessage'];
export type LoggingSettings = Schemas['LoggingSettings'];
export type LogCategory = keyof LoggingSettings['categories'];

type ListParams = Query<'/api/v1/queue', 'get'>;
export type QueueSort = NonNullable<ListParams['sort']>;

/** What the queue list and the bulk actions filter on (the routes' `search` and `state`). */
export type QueueFilter = Pick<Query<'/api/v1/queue', 'delete'>, 'search' | 'state'>;

export interface QueueListQuery extends QueueFilter {
  offset: number;
  limit: number;
  sort: QueueSort;
}

/** The actions on one message: the last segment of `POST /api/v1/queue/{id}/<action>`. */
export type QueueAction = 'send-now' | 'hold' | 'release' | 'bounce';

/** The categories in the order the Live log page lists them; the type keeps it to the server's set, all of it. */
export const LOG_CATEGORIES = ['smtp', 'submission', 'pop3', 'imap', 'tcpip', 'delivery', 'application', 'debug'] as const satisfies readonly LogCategory[];
// Compile-time: every category the server has is in the list (an error here names the one missing).
const everyCategory: Record<LogCategory, true> = Object.fromEntries(LOG_CATEGORIES.map((c) => [c, true])) as Record<(typeof LOG_CATEGORIES)[number], true>;
void everyCategory;
