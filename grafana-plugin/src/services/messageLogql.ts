// The LogQL that finds one message's log lines in Loki. Mailroom writes the queue id into every line about
// a message (`queueId` in SMTP's "queued as", delivery's attempts and bounces, the scanner's verdicts), and
// the line is its JSON text, so a line filter on the id finds them with Mailroom's default settings: no
// structured metadata, no label beyond the stream's service_name. With the default log.categories
// (application, delivery) that is the delivery attempts and bounces; turning smtp or submission on adds the
// acceptance lines, which carry the id too. Proven against the lines the real server writes in
// server/test/trace-logql.test.ts.
// server/test/trace-logql.test.ts runs this very file against the server's lines, under the server's
// TypeScript settings (NodeNext), so its one import names the file with its extension.
import { logqlString } from './logqlEscape.ts';

/** The stream's service_name label (the same as logql.ts's; a test keeps them equal). */
export const MESSAGE_SERVICE_NAME = 'mailroom';

/** Queue ids are upper-case letters and digits; anything else cannot be one and finds nothing. */
export function messageLogQL(queueId: string): string {
  const id = queueId.trim();
  return `{service_name="${MESSAGE_SERVICE_NAME}"} |= "${logqlString(id)}"`;
}

/**
 * The pipeline messageLogQL builds, applied to lines as Loki would (a stream selector on service_name, then
 * the line filter): what a test uses to show which lines the query returns, without a Loki server.
 */
export function matchesMessageLogQL(queueId: string, stream: Record<string, string>, line: string): boolean {
  return stream.service_name === MESSAGE_SERVICE_NAME && line.includes(queueId.trim());
}
