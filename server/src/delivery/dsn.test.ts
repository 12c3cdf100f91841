// Bounces as a mail client reads them: multipart/report with the three RFC 3464 parts, one
// per-recipient group per failure with the right Status, and never a bounce to the null sender.
import { describe, expect, it } from 'vitest';
import { parseDsn } from '../../test/helpers/dsn.ts';
import { buildBounce, statusOf } from './dsn.ts';

const original = Buffer.from(
  'Received: from client.test\r\n\tby mx.test\r\nFrom: alice@example.test\r\nTo: bob@remote.test\r\nSubject: quarterly report\r\nMessage-ID: <orig-1@example.test>\r\n\r\nThe body, which must not be returned.\r\n',
);

const bounce = (failed: Parameters<typeof buildBounce>[0]['failed'], sender = 'alice@example.test') =>
  buildBounce({ hostname: 'mx.mailroom.test', queueId: 'Q0000000001', sender, arrivedAt: Date.UTC(2026, 0, 2, 3, 4, 5), failed, original, now: new Date(Date.UTC(2026, 0, 3)) });

describe('buildBounce', () => {
  it('writes a multipart/report with a readable part, delivery-status and the returned headers', async () => {
    const raw = bounce([{ address: 'bob@remote.test', error: 'relay.test:25 said: 550 5.1.1 <bob@remote.test>: no such user', expired: false }])!;
    const dsn = await parseDsn(raw);
    expect(dsn.contentType).toBe('multipart/report');
    expect(dsn.reportType).toBe('delivery-status');
    expect(dsn.parts.map((p) => p.contentType)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(dsn.to).toBe('alice@example.test');
    expect(dsn.autoSubmitted).toBe('auto-replied');
    expect(dsn.parts[0]!.body).toContain('<bob@remote.test>: relay.test:25 said: 550 5.1.1');
    expect(dsn.perMessage).toMatchObject({ 'reporting-mta': 'dns; mx.mailroom.test', 'arrival-date': 'Fri, 2 Jan 2026 03:04:05 +0000' });
    expect(dsn.recipients).toEqual([
      {
        'final-recipient': 'rfc822; bob@remote.test',
        action: 'failed',
        status: '5.1.1',
        'diagnostic-code': 'smtp; 550 5.1.1 <bob@remote.test>: no such user',
      },
    ]);
    expect(dsn.returnedHeaders).toContain('Message-ID: <orig-1@example.test>');
    expect(dsn.returnedHeaders).not.toContain('must not be returned');
    expect(raw.toString()).not.toContain('must not be returned');
  });

  it('lists each failed recipient in its own group, with 4.4.7 for an expired one', async () => {
    const dsn = await parseDsn(
      bounce([
        { address: 'a@remote.test', error: 'relay.test:25 said: 554 5.7.1 content rejected', expired: false },
        { address: 'b@remote.test', error: 'relay.test:25 said: 451 4.3.0 try again later', expired: true },
        { address: 'c@remote.test', error: 'domain remote.test does not exist', expired: false },
      ])!,
    );
    expect(dsn.recipients.map((r) => [r['final-recipient'], r.action, r.status, r['diagnostic-code']])).toEqual([
      ['rfc822; a@remote.test', 'failed', '5.7.1', 'smtp; 554 5.7.1 content rejected'],
      ['rfc822; b@remote.test', 'failed', '4.4.7', 'smtp; 451 4.3.0 try again later'],
      // No SMTP reply to quote: no Diagnostic-Code, and a generic permanent status.
      ['rfc822; c@remote.test', 'failed', '5.0.0', undefined],
    ]);
  });

  it('never writes a bounce to the null sender', () => {
    expect(bounce([{ address: 'bob@remote.test', error: 'x said: 550 5.1.1 no', expired: false }], '')).toBeNull();
  });
});

describe('statusOf', () => {
  it('takes the enhanced code of a permanent reply and ignores a temporary one', () => {
    expect(statusOf({ address: 'x@y.test', error: 'h:25 said: 552 5.2.2 mailbox full', expired: false })).toBe('5.2.2');
    // A 4.x.x code cannot describe a final failure; report the generic permanent status instead.
    expect(statusOf({ address: 'x@y.test', error: 'h:25 said: 550 4.2.2 odd server', expired: false })).toBe('5.0.0');
    expect(statusOf({ address: 'x@y.test', error: 'h:25 said: 450 4.2.0 busy', expired: true })).toBe('4.4.7');
  });
});
