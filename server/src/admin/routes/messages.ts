// Message injection: a raw RFC 5322 message with its envelope enters the queue like SMTP mail does
// (and counts as processed, source "api"). Recipients are checked like an authenticated client's; the
// content is scanned like mail from the MX listener, and refused, deleted or quarantined the same way.
import Router from '@koa/router';
import { z } from 'zod';
import type { Envelope } from '../../delivery/accept.ts';
import { decideRecipient, subAddressingFrom } from '../../delivery/recipient-policy.ts';
import type { NewRecipient } from '../../store/types.ts';
import { logger } from '../../telemetry/log.ts';
import { parseAddress } from '../../util/address.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../query.ts';

export const injectSchema = z
  .object({
    from: z.string().refine((s) => s === '' || parseAddress(s) !== null, 'not a valid address (use "" for the null sender)'),
    to: z.array(z.string()).min(1).max(1000),
    raw: z.string().min(1).optional(),
    rawBase64: z.string().min(1).optional(),
  })
  .refine((b) => (b.raw === undefined) !== (b.rawBase64 === undefined), 'give exactly one of raw or rawBase64');

export function messageRoutes(deps: AdminDeps): Router {
  const injectLog = logger('application').child({ api: 'message.inject' });
  const router = new Router();
  router.post('/api/v1/messages', requireRole('admin'), async (ctx) => {
    const maxSize = deps.config['smtp.max_message_size_bytes'];
    const body = parseBody(await readJson(ctx, Math.ceil(maxSize * 1.4) + 64 * 1024), injectSchema);
    const content = body.raw !== undefined ? Buffer.from(body.raw.replace(/\r?\n/g, '\r\n'), 'utf8') : Buffer.from(body.rawBase64!, 'base64');
    if (content.length > maxSize) throw new ApiError(413, 'too_large', `message exceeds the size limit of ${maxSize} bytes`);
    const recipients: NewRecipient[] = [];
    for (const address of body.to) {
      const decision = await decideRecipient(address, { authenticated: true, trusted: true }, deps.store, subAddressingFrom(deps.config));
      if (!decision.ok) throw new ApiError(422, 'recipient_rejected', `${address}: ${decision.message}`);
      recipients.push(...decision.recipients.filter((r) => !recipients.some((o) => o.address === r.address)));
    }
    const id = deps.intake.newId();
    const envelope: Envelope = { sender: body.from, recipients, source: 'api' };
    const received = await deps.intake.receive({ id, envelope, content, scanMode: 'all', log: injectLog, logContext: { api: 'message.inject' } });
    if (received.kind === 'refused') {
      audit(ctx, 'message.inject', { queueId: id, recipients: recipients.length, bytes: content.length, outcome: 'refused', reason: received.reason });
      // A 4xx SMTP reply means "try again later": the scanner could not answer.
      if (received.code < 500) throw new ApiError(503, 'scanner_unavailable', received.message);
      throw new ApiError(422, 'message_rejected', received.message);
    }
    const outcome = received.kind === 'queued' ? 'queued' : received.how;
    audit(ctx, 'message.inject', { queueId: id, recipients: recipients.length, bytes: content.length, outcome });
    ctx.status = 201;
    ctx.body = { id, outcome };
  });
  return router;
}
