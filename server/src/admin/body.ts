// Request bodies with a size limit: JSON for the API, raw bytes for message injection.
import type Koa from 'koa';
import { ApiError } from './errors.ts';

export async function readRaw(ctx: Koa.Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > limitBytes) throw new ApiError(413, 'too_large', `request body exceeds ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new ApiError(413, 'too_large', `request body exceeds ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJson(ctx: Koa.Context, limitBytes = 1024 * 1024): Promise<unknown> {
  const raw = await readRaw(ctx, limitBytes);
  if (raw.length === 0) return {};
  if (!ctx.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send JSON with Content-Type: application/json');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
