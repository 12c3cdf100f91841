// Defaults match Promtail's, the push path is completed, auth becomes a header, and settings under
// which the buffer bound could not hold are refused at construction.
import { describe, expect, it } from 'vitest';
import { resolveLokiOptions } from './options.ts';

describe('resolveLokiOptions', () => {
  it('fills in Promtail-like defaults', () => {
    const o = resolveLokiOptions({ url: 'http://loki:3100', instance: 'h1' });
    expect(o.pushUrl.href).toBe('http://loki:3100/loki/api/v1/push');
    expect(o).toMatchObject({ serviceName: 'mailroom', format: 'protobuf', structuredMetadata: false, batchMaxBytes: 1 << 20, batchWaitMs: 1000 });
    expect(o.backoff).toEqual({ minMs: 500, maxMs: 300_000, maxAttempts: 10 });
    expect(o.bufferMaxBytes).toBeGreaterThanOrEqual(2 * o.batchMaxBytes);
  });

  it('keeps a full push URL and a path prefix behind a proxy', () => {
    expect(resolveLokiOptions({ url: 'https://x/loki/api/v1/push' }).pushUrl.pathname).toBe('/loki/api/v1/push');
    expect(resolveLokiOptions({ url: 'https://x/tenant-a/' }).pushUrl.pathname).toBe('/tenant-a/loki/api/v1/push');
  });

  it('turns basic and bearer auth into an Authorization header', () => {
    expect(resolveLokiOptions({ url: 'http://x', auth: { username: 'u', password: 'p:w' } }).authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
    expect(resolveLokiOptions({ url: 'http://x', auth: { bearerToken: 't0k' } }).authorization).toBe('Bearer t0k');
  });

  it('refuses settings that would break the memory bound or the retry rules', () => {
    expect(() => resolveLokiOptions({ url: 'ftp://x' })).toThrow(/http/);
    expect(() => resolveLokiOptions({ url: 'http://x', batchMaxBytes: 1000, bufferMaxBytes: 1500 })).toThrow(/twice/);
    expect(() => resolveLokiOptions({ url: 'http://x', batchMaxBytes: 1000, maxLineBytes: 1000 })).toThrow(/maxLineBytes/);
    expect(() => resolveLokiOptions({ url: 'http://x', backoff: { minMs: 0 } })).toThrow(/backoff/);
    expect(resolveLokiOptions({ url: 'http://x', batchMaxBytes: 4096 }).maxLineBytes).toBeLessThan(4096);
  });
});
