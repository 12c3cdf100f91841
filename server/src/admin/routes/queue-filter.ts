// The filter every queue listing and bulk action shares (search text and state).
import { z } from 'zod';

const single = <S extends z.ZodType>(s: S) => z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), s);

export const queueFilterSchema = z.object({
  search: single(z.string().max(200).optional()),
  state: single(z.enum(['queued', 'deferred', 'held', 'in_flight']).optional()),
});

export const queueListSchema = queueFilterSchema.extend({
  offset: single(z.coerce.number().int().min(0).max(10_000_000).default(0)),
  limit: single(z.coerce.number().int().min(1).max(500).default(50)),
  sort: single(z.enum(['created', '-created', 'next_attempt', '-next_attempt', 'size', '-size', 'attempts', '-attempts']).default('created')),
});
