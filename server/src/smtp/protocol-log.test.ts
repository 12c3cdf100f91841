// What the SMTP conversation looks like in the logs, fed the calls smtp-server makes.
import { beforeEach, describe, expect, it } from 'vitest';
import { configureLogging } from '../telemetry/log.ts';
import { CategorySwitches } from '../telemetry/log-categories.ts';
import { smtpServerLogger } from './protocol-log.ts';

let lines: Record<string, unknown>[] = [];
let switches: CategorySwitches;

beforeEach(async () => {
  lines = [];
  switches = new CategorySwitches(['smtp', 'tcpip']);
  await configureLogging({
    level: 'info',
    switches,
    streams: [{ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }],
  });
});

const said = (category: string) => lines.filter((l) => l.category === category).map((l) => l.msg);

describe('smtp-server protocol log', () => {
  it('writes each command with its reply on one line, and replies nobody asked for alone', () => {
    const log = smtpServerLogger('smtp');
    const s = { cid: 'abc', host: '192.0.2.7' };
    log.info({ tnx: 'connection', ...s }, 'Connection from %s', '[192.0.2.7]');
    log.debug({ tnx: 'send', ...s }, 'S:', '220 mx.test ESMTP Mailroom');
    log.debug({ tnx: 'command', ...s }, 'C:', 'EHLO client.test');
    log.debug({ tnx: 'send', ...s }, 'S:', '250-mx.test Nice to meet you\r\n250 PIPELINING');
    // Pipelined: two commands, then both replies.
    log.debug({ tnx: 'command', ...s }, 'C:', 'MAIL FROM:<a@b.test>');
    log.debug({ tnx: 'command', ...s }, 'C:', 'RCPT TO:<c@d.test>');
    log.debug({ tnx: 'send', ...s }, 'S:', '250 2.1.0 Accepted');
    log.debug({ tnx: 'send', ...s }, 'S:', '250 2.1.5 Accepted');
    log.debug({ tnx: 'command', ...s }, 'C:', 'DATA');
    log.debug({ tnx: 'send', ...s }, 'S:', '354 End data with <CR><LF>.<CR><LF>');
    log.debug({ tnx: 'data', ...s }, 'C: <%s bytes of DATA>', 1024);
    log.debug({ tnx: 'send', ...s }, 'S:', '250 2.0.0 Ok: queued as X');
    log.debug({ tnx: 'command', ...s }, 'C:', 'QUIT');
    log.info({ tnx: 'close', ...s }, '%s received "close" event from %s', 'abc', '192.0.2.7');
    log.info({ tnx: 'close', ...s }, 'Connection closed to %s', '192.0.2.7');
    expect(said('smtp')).toEqual([
      'S: 220 mx.test ESMTP Mailroom',
      'C: EHLO client.test | S: 250-mx.test Nice to meet you\r\n250 PIPELINING',
      'C: MAIL FROM:<a@b.test> | S: 250 2.1.0 Accepted',
      'C: RCPT TO:<c@d.test> | S: 250 2.1.5 Accepted',
      'C: DATA | S: 354 End data with <CR><LF>.<CR><LF>',
      'C: <1024 bytes of DATA> | S: 250 2.0.0 Ok: queued as X',
      'C: QUIT', // the client hung up before the reply
    ]);
    expect(said('tcpip')).toEqual(['Connection from [192.0.2.7]', 'Connection closed to 192.0.2.7']);
    for (const line of lines.filter((l) => l.category === 'smtp')) expect(line).toMatchObject({ session: 'abc', remote: '192.0.2.7', listener: 'smtp' });
  });

  it('keeps sessions apart and bounds the commands waiting for replies', () => {
    const log = smtpServerLogger('submission');
    switches.set({ submission: true });
    for (let i = 0; i < 20; i++) log.debug({ tnx: 'command', cid: 'one' }, 'C:', `NOOP ${i}`);
    log.debug({ tnx: 'command', cid: 'two' }, 'C:', 'NOOP two');
    log.debug({ tnx: 'send', cid: 'two' }, 'S:', '250 OK');
    const submission = said('submission');
    expect(submission.slice(0, 4)).toEqual(['C: NOOP 0', 'C: NOOP 1', 'C: NOOP 2', 'C: NOOP 3']); // 16 wait at most
    expect(submission.at(-1)).toBe('C: NOOP two | S: 250 OK');
  });

  it('writes nothing for a category that is off, and resets are routine', () => {
    const log = smtpServerLogger('submission');
    log.debug({ tnx: 'command', cid: 'x' }, 'C:', 'EHLO quiet.test');
    log.debug({ tnx: 'send', cid: 'x' }, 'S:', '250 OK');
    log.error({ tnx: 'error', host: '192.0.2.9' }, '%s %s %s', 'x', '192.0.2.9', 'read ECONNRESET');
    // After QUIT a reset is how many clients say goodbye: debug, not tcpip.
    log.debug({ tnx: 'command', cid: 'y' }, 'C:', 'QUIT');
    log.error({ tnx: 'error', host: '192.0.2.9' }, '%s %s %s', 'y', '192.0.2.9', 'read ECONNRESET');
    switches.set({ debug: true });
    log.error({ tnx: 'error', host: '192.0.2.9' }, '%s %s %s', 'y', '192.0.2.9', 'read ECONNRESET');
    expect(said('submission')).toEqual([]);
    expect(lines.filter((l) => l.category === 'tcpip')).toMatchObject([{ level: 30, session: 'x', msg: 'x 192.0.2.9 read ECONNRESET' }]);
    expect(said('debug')).toEqual([]); // a debug-level line: log.level is info here
  });

  it('carries the queue id of the reply to DATA as a field', () => {
    const log = smtpServerLogger('smtp');
    log.debug({ tnx: 'data', cid: 's' }, 'C: <%s bytes of DATA>', 10);
    log.debug({ tnx: 'send', cid: 's' }, 'S:', '250 2.0.0 Ok: queued as 1M8HFSXR5SRMG5SFW');
    expect(lines).toMatchObject([{ session: 's', queueId: '1M8HFSXR5SRMG5SFW', msg: 'C: <10 bytes of DATA> | S: 250 2.0.0 Ok: queued as 1M8HFSXR5SRMG5SFW' }]);
  });
});
